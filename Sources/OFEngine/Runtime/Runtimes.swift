// Runtimes: the functions Lithops' oracle_f backend deploys its worker image as, found, deployed, listed and
// deleted the way it does, so that either tool finds what the other deployed.
import FoundationEssentials
import OFConfig
import OFServices

/// What a runtime's worker says about itself when asked (docs/protocol.md, "Runtime metadata").
public struct RuntimeMetadata: Codable, Sendable, Equatable {
    public var oraclefn: Int
    /// "native" or "python".
    public var worker: String
    /// The oraclefn version the worker was made from.
    public var version: String?
    /// major.minor of a Python worker's interpreter.
    public var pythonVersion: String?

    enum CodingKeys: String, CodingKey {
        case oraclefn, worker, version
        case pythonVersion = "python_version"
    }

    /// The request body a worker answers with its metadata instead of running calls.
    static let request = Array(#"{"oraclefn": 1, "get_metadata": true}"#.utf8)
}

/// A runtime function as deploying and listing describe it.
public struct RuntimeFunction: Codable, Sendable {
    public var runtime: String?
    public var image: String
    public var memory: Int
    public var timeout: Int?
    public var version: String?
    public var function: String
    public var functionId: String
    public var application: String
    public var state: String
    public var metadata: RuntimeMetadata?

    public init(_ function: Function, application: String, metadata: RuntimeMetadata? = nil) {
        runtime = function.freeformTags?["oraclefn_runtime"]
        image = function.image ?? ""
        memory = function.memoryInMBs ?? 0
        timeout = function.timeoutInSeconds
        version = function.freeformTags?["lithops_version"]
        self.function = function.displayName
        functionId = function.id
        self.application = application
        state = function.lifecycleState
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case runtime, image, memory, timeout, version, function, application, state, metadata
        case functionId = "function_id"
    }
}

/// The runtimes of one configuration: the runtime application (`oracle_f.application_name`, else Lithops' name)
/// and its `lithops-worker-...` functions.
public struct Runtimes: Sendable {
    public let configuration: Configuration
    public let management: FunctionsManagementClient
    public let invoker: FunctionsInvokeClient
    public let naming: RuntimeNaming
    /// Whether the configuration's Functions endpoint is an oraclefn emulator, whose default runtime is built in.
    public let isEmulator: Bool
    public var applicationName: String { RuntimeNaming.applicationName(configuration: configuration) }

    /// The Python versions the runtime image is made for.
    public static let pythonVersions = ["3.11", "3.12"]

    /// `namespace` is the tenancy's Object Storage namespace (the registry's); `isEmulator` whether Functions is an
    /// oraclefn emulator (`LogsClient.servesEmulatorLogs()`, asked only of a configured endpoint).
    public init(
        configuration: Configuration, management: FunctionsManagementClient, invoker: FunctionsInvokeClient,
        namespace: String, isEmulator: Bool
    ) {
        self.configuration = configuration
        self.management = management
        self.invoker = invoker
        naming = RuntimeNaming(configuration: configuration, namespace: namespace)
        self.isEmulator = isEmulator
    }

    /// The runtimes of a session's configuration, through its clients; the namespace (unless configured) and
    /// whether Functions is an emulator are asked once per session.
    public static func open(session: Session) async throws -> Runtimes {
        let namespace: String
        do {
            namespace = try await session.objects.namespace()
        } catch {
            throw EngineError(error, while: "looking up the tenancy's Object Storage namespace (set tenancy_namespace in the oracle section to skip it)")
        }
        let isEmulator: Bool
        do {
            isEmulator = try await session.isEmulator()
        } catch {
            throw EngineError(error, while: "asking \(session.endpoints.functions) whether it is the oraclefn emulator")
        }
        return Runtimes(
            configuration: session.configuration, management: session.functions, invoker: session.invoker,
            namespace: namespace, isEmulator: isEmulator)
    }

    /// The runtime named, else oracle_f.runtime, else the default Python runtime `oraclefn-python-v<major><minor>`
    /// of `python`; with its image, which for the default runtime on the emulator is the built-in one unless
    /// `registry` asks for the registry's.
    public func runtime(_ name: String?, python: @autoclosure () -> String, registry: Bool = false) -> (name: String, image: String) {
        if let name = name ?? configuration.functions.runtime { return (name, naming.image(of: name)) }
        let version = python()
        let name = "oraclefn-python-v" + version.filter { $0 != "." }
        return (name, isEmulator && !registry ? "oraclefn/python:\(version)" : naming.image(of: name))
    }

    /// The runtime application (or the one named), nil when it does not exist.
    public func existingApplication(named name: String? = nil) async throws -> Application? {
        try await management.listApplications(displayName: name ?? applicationName).first
    }

    /// The runtime application (or the one named), made in the configured compartment and subnet when missing;
    /// once ACTIVE.
    public func application(named name: String? = nil) async throws -> Application {
        try await management.ensureApplication(displayName: name ?? applicationName)
    }

    /// Every runtime function of the application (named `lithops-worker...`), by name.
    public func runtimeFunctions(in application: Application) async throws -> [Function] {
        try await management.listFunctions(applicationId: application.id)
            .filter { $0.displayName.hasPrefix(RuntimeNaming.functionPrefix) }
            .sorted { $0.displayName < $1.displayName }
    }

    /// The runtime functions of the application, none when it does not exist.
    public func deployedRuntimes() async throws -> [Function] {
        guard let application = try await existingApplication() else { return [] }
        return try await runtimeFunctions(in: application)
    }

    /// The deployed runtimes, as listing describes them.
    public func list() async throws -> [RuntimeFunction] {
        try await deployedRuntimes().map { RuntimeFunction($0, application: applicationName) }
    }

    /// The deployed functions of a runtime's image: every memory size or only `memory`, of any oraclefn version or
    /// only `version`.
    public func deployed(image: String, memory: Int? = nil, version: String? = nil) async throws -> [Function] {
        try await deployedRuntimes().filter {
            $0.image == image && (memory == nil || $0.memoryInMBs == memory)
                && (version == nil || $0.freeformTags?["lithops_version"] == version)
        }
    }

    /// Deletes the functions one after the other, telling `deleted` of each.
    public func delete(_ functions: [Function], deleted: (Function) -> Void = { _ in }) async throws {
        for function in functions {
            try await management.deleteFunction(id: function.id)
            deleted(function)
        }
    }

    /// The function of a runtime's image and memory size, nil when it is not deployed.
    public func deployedFunction(image: String, memory: Int) async throws -> Function? {
        guard let application = try await existingApplication() else { return nil }
        let name = naming.functionName(image: image, memory: memory)
        return try await management.listFunctions(applicationId: application.id, displayName: name).first
    }

    /// Makes the runtime's function for `memory` (or updates it when it exists and differs), waits until it is
    /// ACTIVE and asks its worker for its metadata. `step` is told each of the three steps as it starts.
    public func deploy(
        runtime: String, image: String, memory: Int, timeout: Int, environment: [String: String]? = nil,
        step: (String) -> Void = { _ in }
    ) async throws -> RuntimeFunction {
        step("application \(applicationName)")
        let application = try await application()
        let name = naming.functionName(image: image, memory: memory)
        step("function \(name), once ACTIVE")
        let active = try await management.deployFunction(CreateFunctionDetails(
            applicationId: application.id, displayName: name, image: image, memoryInMBs: memory, timeoutInSeconds: timeout,
            config: environment, freeformTags: naming.tags(runtime: runtime)))
        step("asking the worker for its metadata")
        return RuntimeFunction(active, application: application.displayName, metadata: try await metadata(of: active))
    }

    /// Invokes the function with the metadata request and reads the worker's answer.
    public func metadata(of function: Function) async throws -> RuntimeMetadata {
        let answer = try await invoker.invoke(functionId: function.id, body: RuntimeMetadata.request, mode: .sync)
        guard let metadata = try? JSONDecoder().decode(RuntimeMetadata.self, from: Data(answer.body)) else {
            let start = String(decoding: answer.body.prefix(200), as: UTF8.self)
            throw EngineError(.service, "function \(function.displayName) answered the metadata request with \"\(start)\", not an oraclefn worker's metadata: its image \(function.image ?? "?") is not an oraclefn runtime; build one with `oraclefn runtime build` or name another image")
        }
        return metadata
    }
}
