import FoundationEssentials
import OFConfig
import OFTransport

/// The Functions management operations the engine and `oraclefn hello` need, over OCI's REST API (20181201).
public struct OCIFunctions: Sendable {
    /// A function as the management API describes it.
    public struct Function: Sendable, Equatable, Decodable {
        public var id: String
        public var displayName: String
        public var applicationId: String
        public var image: String
        public var lifecycleState: String
        public var invokeEndpoint: String?
    }

    public struct Application: Sendable, Equatable, Decodable {
        public var id: String
        public var displayName: String
        public var lifecycleState: String
    }

    private let endpoint: String
    private let compartmentId: String
    private let subnetId: String
    private let executor: RetryingExecutor
    private let authorizer: any RequestAuthorizer

    /// The configuration's Functions service: `oracle_f.endpoint`, else the region's.
    public init(configuration: Configuration, executor: RetryingExecutor, authorizer: any RequestAuthorizer) {
        let endpoint = configuration.functions.endpoint ?? "https://functions.\(configuration.functions.region).oci.oraclecloud.com"
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.compartmentId = configuration.functions.compartmentId
        self.subnetId = configuration.functions.subnetId
        self.executor = executor
        self.authorizer = authorizer
    }

    public func function(id: String) async throws(EngineError) -> Function {
        try decode(Function.self, try await send("GET", "/20181201/functions/\(PercentEncoding.component(id))", what: "reading function \(id)"), what: "function \(id)")
    }

    /// The configured compartment's applications named `displayName`.
    public func applications(named displayName: String) async throws(EngineError) -> [Application] {
        try await listAll(
            "/20181201/applications?compartmentId=\(PercentEncoding.component(compartmentId))&displayName=\(PercentEncoding.component(displayName))",
            what: "listing applications named \(displayName)")
    }

    /// Functions of an application, those named `displayName` when it is given.
    public func functions(applicationId: String, named displayName: String? = nil) async throws(EngineError) -> [Function] {
        var path = "/20181201/functions?applicationId=\(PercentEncoding.component(applicationId))"
        if let displayName { path += "&displayName=\(PercentEncoding.component(displayName))" }
        return try await listAll(path, what: "listing the functions of application \(applicationId)")
    }

    /// Creates an application in the configured compartment and subnet.
    public func createApplication(named displayName: String) async throws(EngineError) -> Application {
        let body = ["compartmentId": compartmentId, "displayName": displayName, "subnetIds": [subnetId]] as [String: any Sendable]
        return try decode(Application.self, try await send("POST", "/20181201/applications", json: body, what: "creating application \(displayName)"), what: "the new application")
    }

    public func createFunction(applicationId: String, named displayName: String, image: String, memoryInMBs: Int, timeoutInSeconds: Int) async throws(EngineError) -> Function {
        let body = [
            "applicationId": applicationId, "displayName": displayName, "image": image, "memoryInMBs": memoryInMBs,
            "timeoutInSeconds": timeoutInSeconds,
        ] as [String: any Sendable]
        return try decode(Function.self, try await send("POST", "/20181201/functions", json: body, what: "creating function \(displayName)"), what: "the new function")
    }

    // MARK: -

    private func listAll<Item: Decodable>(_ path: String, what: String) async throws(EngineError) -> [Item] {
        var items: [Item] = []
        var page: String?
        repeat {
            let pagePath = page.map { path + "&page=\(PercentEncoding.component($0))" } ?? path
            let response = try await send("GET", pagePath + "&limit=50", what: what)
            items += try decode([Item].self, response, what: what)
            page = response.headers["opc-next-page"]
        } while page != nil
        return items
    }

    private func send(_ method: String, _ path: String, json: [String: any Sendable]? = nil, what: String) async throws(EngineError) -> HTTPResponse {
        var headers: HTTPHeaders = [:]
        var body: RequestBody = .empty
        if let json {
            headers.set("content-type", "application/json")
            body = .bytes(try JSONBody.encode(json))
        }
        let request = HTTPRequest(method: method, url: endpoint + path, headers: headers, body: body)
        return try await OCIRequest.send(request, executor: executor, authorizer: authorizer, what: what)
    }

    private func decode<Value: Decodable>(_ type: Value.Type, _ response: HTTPResponse, what: String) throws(EngineError) -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            throw EngineError(.service, "the Functions service's answer for \(what) could not be read: \(error)")
        }
    }
}

extension OCIFunctions: FunctionDirectory {
    /// A function OCID is read (GetFunction); any other name is looked up among the functions of the
    /// configured compartment's applications.
    func target(for function: String) async throws(EngineError) -> FunctionTarget {
        let found: Function
        if function.hasPrefix("ocid1.fnfunc.") {
            found = try await self.function(id: function)
        } else {
            found = try await named(function)
        }
        guard found.lifecycleState == "ACTIVE" else {
            throw EngineError(.service, "function \(found.displayName) (\(found.id)) is \(found.lifecycleState), not ACTIVE; wait until it is ACTIVE, or deploy it again")
        }
        guard let invokeEndpoint = found.invokeEndpoint, !invokeEndpoint.isEmpty else {
            throw EngineError(.service, "function \(found.displayName) (\(found.id)) has no invoke endpoint; deploy it again")
        }
        return FunctionTarget(id: found.id, invokeEndpoint: invokeEndpoint)
    }

    private func named(_ name: String) async throws(EngineError) -> Function {
        let applications: [Application] = try await listAll(
            "/20181201/applications?compartmentId=\(PercentEncoding.component(compartmentId))", what: "listing applications")
        for application in applications {
            if let function = try await functions(applicationId: application.id, named: name).first { return function }
        }
        throw EngineError(.notFound, "no function named \(name) in compartment \(compartmentId) (\(applications.count) applications searched); deploy it, or pass the function's OCID")
    }
}

/// JSON bodies made of strings, numbers and arrays of strings.
enum JSONBody {
    static func encode(_ object: [String: any Sendable]) throws(EngineError) -> [UInt8] {
        struct Value: Encodable {
            let value: any Sendable
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                switch value {
                case let text as String: try container.encode(text)
                case let number as Int: try container.encode(number)
                case let list as [String]: try container.encode(list)
                default: throw EncodingError.invalidValue(value, .init(codingPath: encoder.codingPath, debugDescription: "not a string, number or list of strings"))
                }
            }
        }
        do {
            return [UInt8](try JSONEncoder().encode(object.mapValues(Value.init)))
        } catch {
            throw EngineError(.invalidArgument, "a request body could not be encoded: \(error)")
        }
    }
}
