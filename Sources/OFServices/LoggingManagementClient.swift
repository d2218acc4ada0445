// Logging management (API 20200531): log groups, logs and the work requests that create them.
import FoundationEssentials
import OFTransport

public struct LogGroupSummary: Codable, Sendable, Equatable {
    public var id: String
    public var compartmentId: String
    public var displayName: String
    public var lifecycleState: String?
}

/// A log; `source` says what it keeps (an application's invoke log: service functions, category invoke).
public struct LogSummary: Codable, Sendable, Equatable {
    public struct Source: Codable, Sendable, Equatable {
        public var sourceType: String
        public var service: String
        public var resource: String
        public var category: String
    }
    public struct Configuration: Codable, Sendable, Equatable {
        public var source: Source
    }
    public var id: String
    public var logGroupId: String
    public var displayName: String
    public var logType: String
    public var isEnabled: Bool?
    public var configuration: Configuration?
    public var lifecycleState: String?
}

public struct LoggingManagementClient: Sendable {
    public let service: ServiceClient
    /// How long a creation may take before it is given up on (OCI's take seconds).
    public var workRequestTimeout: Duration = .seconds(300)
    public var workRequestPollInterval: Duration = .seconds(2)

    public init(service: ServiceClient) { self.service = service }

    private var base: String { service.endpoints.logging + "/20200531" }

    /// Every log group of the compartment (all pages), those named `displayName` when given.
    public func listLogGroups(compartmentId: String, displayName: String? = nil) async throws -> [LogGroupSummary] {
        let query = PercentEncoding.query([("compartmentId", compartmentId), ("displayName", displayName), ("limit", "1000")])
        return try await service.listAll(LogGroupSummary.self, "ListLogGroups", base + "/logGroups" + query)
    }

    /// Every log of a group (all pages) kept for `sourceResource` by `sourceService`, when given.
    public func listLogs(logGroupId: String, sourceService: String? = nil, sourceResource: String? = nil) async throws -> [LogSummary] {
        let query = PercentEncoding.query([("sourceService", sourceService), ("sourceResource", sourceResource), ("limit", "1000")])
        return try await service.listAll(LogSummary.self, "ListLogs", base + "/logGroups/" + PercentEncoding.component(logGroupId) + "/logs" + query)
    }

    /// Creates a log group and returns its OCID once its work request has succeeded.
    public func createLogGroup(compartmentId: String, displayName: String, description: String) async throws -> String {
        struct Details: Encodable {
            var compartmentId: String
            var displayName: String
            var description: String
        }
        let details = Details(compartmentId: compartmentId, displayName: displayName, description: description)
        return try await created("CreateLogGroup", base + "/logGroups", details, entityType: "loggroup")
    }

    /// Creates the invoke log of a Functions application in a group and returns its OCID once its work request
    /// has succeeded.
    public func createInvokeLog(logGroupId: String, displayName: String, applicationId: String) async throws -> String {
        struct Details: Encodable {
            struct Configuration: Encodable { var source: LogSummary.Source }
            var displayName: String
            var logType = "SERVICE"
            var isEnabled = true
            var configuration: Configuration
        }
        let source = LogSummary.Source(sourceType: "OCISERVICE", service: "functions", resource: applicationId, category: "invoke")
        let details = Details(displayName: displayName, configuration: .init(source: source))
        return try await created("CreateLog", base + "/logGroups/" + PercentEncoding.component(logGroupId) + "/logs", details, entityType: "log")
    }

    private struct WorkRequest: Decodable {
        struct Resource: Decodable {
            var entityType: String
            var identifier: String
        }
        var id: String
        var status: String
        var resources: [Resource]?
    }

    /// Posts a creation (OCI answers 202 with `opc-work-request-id`), follows its work request to the end and
    /// returns the OCID of the `entityType` resource it created.
    private func created(_ operation: String, _ url: String, _ details: some Encodable, entityType: String) async throws -> String {
        // sent once: a repeated creation would make a second group or fail as a conflict
        let response = try await service.send(operation, "POST", url, body: try ServiceClient.jsonBody(details), mode: .invoke)
        guard let workRequestId = response.headers["opc-work-request-id"], !workRequestId.isEmpty else {
            throw ClientError(.unexpectedResponse, "\(operation) answered without an opc-work-request-id header, so what it created cannot be found")
        }
        let url = base + "/workRequests/" + PercentEncoding.component(workRequestId)
        let deadline = ContinuousClock.now + workRequestTimeout
        while true {
            let request = try await service.sendJSON(WorkRequest.self, "GetWorkRequest", "GET", url)
            switch request.status {
            case "SUCCEEDED":
                guard let resource = request.resources?.first(where: { $0.entityType.lowercased() == entityType }) else {
                    throw ClientError(.unexpectedResponse, "work request \(workRequestId) of \(operation) succeeded but names no \(entityType) it created")
                }
                return resource.identifier
            case "FAILED", "CANCELED", "CANCELLING":
                throw ClientError(.unexpectedResponse, "work request \(workRequestId) of \(operation) ended \(request.status); see it with `oci logging work-request get --work-request-id \(workRequestId)`")
            default:
                guard ContinuousClock.now < deadline else {
                    throw ClientError(.timedOut, "work request \(workRequestId) of \(operation) is still \(request.status) after \(workRequestTimeout); look again later with `oci logging work-request get --work-request-id \(workRequestId)`")
                }
                try await Task.sleep(for: workRequestPollInterval)
            }
        }
    }
}
