import Foundation
import OFServices

/// What a runtime's worker says about itself when asked (docs/protocol.md, "Runtime metadata").
struct RuntimeMetadata: Codable, Sendable, Equatable {
    var oraclefn: Int
    /// "native" or "python".
    var worker: String
    /// The oraclefn version the worker was made from.
    var version: String?
    /// major.minor of a Python worker's interpreter.
    var pythonVersion: String?

    enum CodingKeys: String, CodingKey {
        case oraclefn, worker, version
        case pythonVersion = "python_version"
    }

    /// The request body a worker answers with its metadata instead of running calls.
    static let request = Array(#"{"oraclefn": 1, "get_metadata": true}"#.utf8)
}

/// A runtime function as `runtime list` and `runtime deploy` show it.
struct RuntimeFunction: Encodable, Sendable {
    var runtime: String?
    var image: String
    var memory: Int
    var timeout: Int?
    var version: String?
    var function: String
    var functionId: String
    var application: String
    var state: String
    var metadata: RuntimeMetadata?

    init(_ function: Function, application: String, metadata: RuntimeMetadata? = nil) {
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

/// Deploys, lists and deletes runtime functions in the runtime application, as Lithops' oracle_f backend does.
struct RuntimeDeployer {
    let session: CloudSession
    let naming: RuntimeNaming
    let applicationName: String

    /// The runtime application, or nil when it does not exist.
    func existingApplication() async throws -> Application? {
        try await session.management.listApplications(displayName: applicationName).first
    }

    /// The runtime application, made in the configured compartment and subnet when missing; once ACTIVE.
    func application() async throws -> Application {
        let application: Application
        if let existing = try await existingApplication() {
            application = existing
        } else {
            application = try await session.management.createApplication(displayName: applicationName)
        }
        return application.lifecycleState == "ACTIVE" ? application : try await session.management.waitForApplication(id: application.id)
    }

    /// The function of a runtime's image and memory size, nil when it is not deployed.
    func deployedFunction(image: String, memory: Int) async throws -> Function? {
        guard let application = try await existingApplication() else { return nil }
        let name = naming.functionName(image: image, memory: memory)
        return try await session.management.listFunctions(applicationId: application.id, displayName: name).first
    }

    /// Every runtime function of the application (named `lithops-worker...`), by name.
    func runtimeFunctions(in application: Application) async throws -> [Function] {
        try await session.management.listFunctions(applicationId: application.id)
            .filter { $0.displayName.hasPrefix(RuntimeNaming.functionPrefix) }
            .sorted { $0.displayName < $1.displayName }
    }

    /// Makes the runtime's function for `memory` (or updates it when it exists), waits until it is ACTIVE and
    /// asks its worker for its metadata. `step` is told each step as it starts.
    func deploy(runtime: String, image: String, memory: Int, timeout: Int, step: (String) -> Void) async throws -> RuntimeFunction {
        step("application \(applicationName)")
        let application = try await application()
        let name = naming.functionName(image: image, memory: memory)
        let tags = naming.tags(runtime: runtime)
        step("function \(name)")
        let function: Function
        if let existing = try await session.management.listFunctions(applicationId: application.id, displayName: name).first {
            function = try await session.management.updateFunction(
                id: existing.id, UpdateFunctionDetails(image: image, memoryInMBs: memory, timeoutInSeconds: timeout, freeformTags: tags))
        } else {
            function = try await session.management.createFunction(CreateFunctionDetails(
                applicationId: application.id, displayName: name, image: image, memoryInMBs: memory, timeoutInSeconds: timeout,
                freeformTags: tags))
        }
        step("waiting until \(name) is ACTIVE")
        let active = function.lifecycleState == "ACTIVE" ? function : try await session.management.waitForFunction(id: function.id)
        step("asking the worker for its metadata")
        return RuntimeFunction(active, application: application.displayName, metadata: try await metadata(of: active))
    }

    /// Invokes the function with the metadata request and reads the worker's answer.
    func metadata(of function: Function) async throws -> RuntimeMetadata {
        let answer = try await session.invoker.invoke(functionId: function.id, body: RuntimeMetadata.request, mode: .sync)
        guard let metadata = try? JSONDecoder().decode(RuntimeMetadata.self, from: Data(answer.body)) else {
            let start = String(decoding: answer.body.prefix(200), as: UTF8.self)
            throw CLIFailure.failed("function \(function.displayName) answered the metadata request with \"\(start)\", not an oraclefn worker's metadata: its image \(function.image ?? "?") is not an oraclefn runtime; build one with `oraclefn runtime build` or name another image")
        }
        return metadata
    }

    /// Deletes the functions, moving the progress bar for each.
    func delete(_ functions: [Function], progress: ProgressBar) async throws {
        for function in functions {
            try await session.management.deleteFunction(id: function.id)
            progress.advance()
        }
        progress.finish()
    }
}
