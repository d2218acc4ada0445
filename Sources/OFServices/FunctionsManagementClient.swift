// Functions management (API 20181201): applications and functions.
import OFConfig
import OFTransport

public struct FunctionsManagementClient: Sendable {
    public let service: ServiceClient
    /// The compartment lists and creations use unless told otherwise.
    public let compartmentId: String
    /// The subnets new applications are placed in unless told otherwise.
    public let subnetIds: [String]

    public init(service: ServiceClient, compartmentId: String, subnetIds: [String]) {
        self.service = service
        self.compartmentId = compartmentId
        self.subnetIds = subnetIds
    }

    /// For the oracle_f section of a configuration.
    public init(configuration: Configuration, service: ServiceClient) {
        self.init(service: service, compartmentId: configuration.functions.compartmentId, subnetIds: [configuration.functions.subnetId])
    }

    private var base: String { service.endpoints.functions + "/20181201" }

    // MARK: applications

    /// Every application of the compartment (all pages), those named `displayName` when given.
    public func listApplications(compartmentId: String? = nil, displayName: String? = nil) async throws -> [Application] {
        let query = PercentEncoding.query([
            ("compartmentId", compartmentId ?? self.compartmentId), ("displayName", displayName), ("limit", "50"),
        ])
        return try await service.listAll(Application.self, "ListApplications", base + "/applications" + query)
    }

    public func getApplication(id: String) async throws -> Application {
        try await service.sendJSON(Application.self, "GetApplication", "GET", base + "/applications/" + PercentEncoding.component(id))
    }

    /// Creates an application in the configured compartment and subnets unless `details` says otherwise.
    public func createApplication(displayName: String, config: [String: String]? = nil) async throws -> Application {
        try await createApplication(CreateApplicationDetails(compartmentId: compartmentId, displayName: displayName, subnetIds: subnetIds, config: config))
    }

    public func createApplication(_ details: CreateApplicationDetails) async throws -> Application {
        try await service.sendJSON(Application.self, "CreateApplication", "POST", base + "/applications", json: details)
    }

    public func updateApplication(id: String, _ details: UpdateApplicationDetails) async throws -> Application {
        try await service.sendJSON(Application.self, "UpdateApplication", "PUT", base + "/applications/" + PercentEncoding.component(id), json: details)
    }

    public func deleteApplication(id: String) async throws {
        _ = try await service.send("DeleteApplication", "DELETE", base + "/applications/" + PercentEncoding.component(id))
    }

    // MARK: functions

    /// Every function of an application (all pages), those named `displayName` when given.
    public func listFunctions(applicationId: String, displayName: String? = nil) async throws -> [Function] {
        let query = PercentEncoding.query([("applicationId", applicationId), ("displayName", displayName), ("limit", "50")])
        return try await service.listAll(Function.self, "ListFunctions", base + "/functions" + query)
    }

    public func getFunction(id: String) async throws -> Function {
        try await service.sendJSON(Function.self, "GetFunction", "GET", base + "/functions/" + PercentEncoding.component(id))
    }

    public func createFunction(_ details: CreateFunctionDetails) async throws -> Function {
        try await service.sendJSON(Function.self, "CreateFunction", "POST", base + "/functions", json: details)
    }

    public func updateFunction(id: String, _ details: UpdateFunctionDetails) async throws -> Function {
        try await service.sendJSON(Function.self, "UpdateFunction", "PUT", base + "/functions/" + PercentEncoding.component(id), json: details)
    }

    public func deleteFunction(id: String) async throws {
        _ = try await service.send("DeleteFunction", "DELETE", base + "/functions/" + PercentEncoding.component(id))
    }

    // MARK: deploying

    /// The application named `displayName` in the compartment, made in the configured subnets when missing (or
    /// only a deleted one has the name); once ACTIVE.
    public func ensureApplication(displayName: String) async throws -> Application {
        let existing = try await listApplications(displayName: displayName).first { $0.lifecycleState != "DELETED" }
        let application = if let existing { existing } else { try await createApplication(displayName: displayName) }
        return application.lifecycleState == "ACTIVE" ? application : try await waitForApplication(id: application.id)
    }

    /// The function `details` names in its application, with its image, memory and timeout (and its config and
    /// freeform tags when given): updated when one of that name exists and differs, else created; once ACTIVE.
    public func deployFunction(_ details: CreateFunctionDetails) async throws -> Function {
        let function: Function
        let listed = try await listFunctions(applicationId: details.applicationId, displayName: details.displayName)
        if let existing = listed.first(where: { $0.lifecycleState != "DELETED" }) {
            let current = try await getFunction(id: existing.id)  // a listing leaves the config out
            let update = UpdateFunctionDetails(
                image: details.image, memoryInMBs: details.memoryInMBs, timeoutInSeconds: details.timeoutInSeconds,
                config: details.config, freeformTags: details.freeformTags)
            function = update.changes(current) ? try await updateFunction(id: current.id, update) : current
        } else {
            function = try await createFunction(details)
        }
        return function.lifecycleState == "ACTIVE" ? function : try await waitForFunction(id: function.id)
    }

    // MARK: waiting

    /// Polls the function until it is `state` (ACTIVE by default); fails at once on FAILED or
    /// DELETED, and after `timeout`.
    public func waitForFunction(id: String, state: String = "ACTIVE", timeout: Duration = .seconds(300), pollInterval: Duration = .seconds(2)) async throws -> Function {
        try await waitFor("function \(id)", state: state, timeout: timeout, pollInterval: pollInterval) {
            let f = try await getFunction(id: id)
            return (f, f.lifecycleState)
        }
    }

    /// Polls the application until it is `state` (ACTIVE by default), like waitForFunction.
    public func waitForApplication(id: String, state: String = "ACTIVE", timeout: Duration = .seconds(300), pollInterval: Duration = .seconds(2)) async throws -> Application {
        try await waitFor("application \(id)", state: state, timeout: timeout, pollInterval: pollInterval) {
            let a = try await getApplication(id: id)
            return (a, a.lifecycleState)
        }
    }

    private func waitFor<T>(_ what: String, state: String, timeout: Duration, pollInterval: Duration,
                            read: () async throws -> (T, String)) async throws -> T {
        let environment = service.executor.environment
        let start = environment.now()
        while true {
            let (resource, current) = try await read()
            if current == state { return resource }
            if current != state, ["FAILED", "DELETED"].contains(current) {
                throw ClientError(.unexpectedResponse, "\(what) is \(current), so it will not become \(state); look at it in the OCI console or recreate it")
            }
            guard environment.now() - start + pollInterval <= timeout else {
                throw ClientError(.timedOut, "\(what) is still \(current) after \(timeout), not \(state); try again later or wait longer")
            }
            do { try await environment.sleep(pollInterval) } catch { throw TransportError.cancelled }
        }
    }
}
