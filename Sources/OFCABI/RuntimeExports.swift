// Runtimes and hello from C: deploy, list and delete the runtime functions Lithops' oracle_f backend names,
// and greet through one, as `oraclefn runtime ...` and `oraclefn hello` do.
import COraclefnTypes
import OFConfig
import OFEngine
import OFServices

/// The options of the runtime exports, as JSON; each export names the keys it takes.
struct RuntimeOptions: Decodable {
    var memory: Int?
    var timeout: Int?
    var python: String?
    var environment: [String: String]?
    var names: [String]?

    /// The default runtime's Python version when none is given.
    static let defaultPython = "3.12"

    /// `text` (NULL: no options) with only the `allowed` keys, each checked.
    static func parse(_ text: String?, allowed: [String]) throws -> RuntimeOptions {
        guard let text else { return RuntimeOptions() }
        let options = try CJSON.decode(RuntimeOptions.self, text, "options_json", example: "{\"memory\": 512}", allowed: allowed)
        let memorySizes = FunctionsSettings.memorySizes
        if let memory = options.memory, !memorySizes.contains(memory) {
            throw CError.invalid("option \"memory\" is \(memory); Oracle Functions offers \(memorySizes.map(String.init).joined(separator: ", ")) MB")
        }
        if let timeout = options.timeout, !FunctionsSettings.timeoutRange.contains(timeout) {
            throw CError.invalid("option \"timeout\" is \(timeout); Oracle Functions allows 1 to 300 seconds")
        }
        if let python = options.python, !Runtimes.pythonVersions.contains(python) {
            throw CError.invalid("option \"python\" is \"\(python)\"; the runtime image is made for Python \(Runtimes.pythonVersions.joined(separator: " or "))")
        }
        if let names = options.names, names.isEmpty {
            throw CError.invalid("option \"names\" is empty; give at least one name to greet")
        }
        return options
    }
}

/// The most bytes of a runtime name or image reference (a registry, a repository of up to 255 characters
/// and a tag).
private let runtimeLimit = 1024

private func runtimes(_ session: OpaquePointer?) throws -> Runtimes {
    let session = try SessionHandle.session(session)
    return try blocking { try await Runtimes.open(session: session) }
}

/// The runtimes, the runtime `name` stands for and its image, and the options, `allowed` of them given.
private func resolvedRuntime(
    _ session: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ optionsJSON: UnsafePointer<CChar>?, allowed: [String]
) throws -> (runtimes: Runtimes, name: String, image: String, options: RuntimeOptions) {
    let name = try Marshal.optionalString(name, "runtime", limit: runtimeLimit)
    let options = try RuntimeOptions.parse(try Marshal.options(optionsJSON), allowed: allowed)
    let runtimes = try runtimes(session)
    let (runtime, image) = runtimes.runtime(name, python: options.python ?? RuntimeOptions.defaultPython)
    return (runtimes, runtime, image, options)
}

/// What a runtime name stands for, as ofn_runtime_deploy() names it, without
/// deploying anything. `runtime` and `options_json` ("python", "memory") as
/// for ofn_runtime_deploy(). `out` gets JSON: "runtime" (the name), "image",
/// "function" (its function's name at that memory), "application" and
/// "emulator" (whether the Functions endpoint is an oraclefn emulator, whose
/// default runtime is its built-in image).
@c(ofn_runtime_resolve)
public func ofnRuntimeResolve(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ session: OpaquePointer?, _ runtime: UnsafePointer<CChar>?,
    _ optionsJSON: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let out = try Marshal.output(out)
        let (runtimes, runtime, image, options) = try resolvedRuntime(session, runtime, optionsJSON, allowed: ["memory", "python"])
        let function = runtimes.naming.functionName(image: image, memory: options.memory ?? runtimes.configuration.functions.runtimeMemory)
        try Marshal.fill(out, try CJSON.encode(ResolvedRuntime(
            runtime: runtime, image: image, function: function, application: runtimes.applicationName, emulator: runtimes.isEmulator)))
    }
}

private struct ResolvedRuntime: Encodable {
    var runtime: String
    var image: String
    var function: String
    var application: String
    var emulator: Bool
}

/// Deploys a runtime: makes its function in the runtime application (made
/// when missing, in oracle_f.subnet_id) or updates it, waits until it is
/// ACTIVE and asks its worker for its metadata. `runtime` is a runtime name or
/// image (NULL: oracle_f.runtime, else the default Python runtime).
/// `options_json` (may be NULL): "memory" (MB, default oracle_f.runtime_memory),
/// "timeout" (s, default oracle_f.runtime_timeout), "python" (the default
/// runtime's version, "3.11" or "3.12", default "3.12"), "environment" (an
/// object of strings: the function's config). `out` gets the runtime function
/// as JSON: "runtime", "image", "memory", "timeout", "version", "function",
/// "function_id", "application", "state", "metadata".
@c(ofn_runtime_deploy)
public func ofnRuntimeDeploy(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ session: OpaquePointer?, _ runtime: UnsafePointer<CChar>?,
    _ optionsJSON: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let out = try Marshal.output(out)
        let (runtimes, runtime, image, options) = try resolvedRuntime(session, runtime, optionsJSON, allowed: ["memory", "timeout", "python", "environment"])
        let functions = runtimes.configuration.functions
        let deployed = try blocking {
            try await runtimes.deploy(
                runtime: runtime, image: image, memory: options.memory ?? functions.runtimeMemory,
                timeout: options.timeout ?? functions.runtimeTimeout, environment: options.environment)
        }
        try Marshal.fill(out, try CJSON.encode(deployed))
    }
}

/// The deployed runtimes of the runtime application, as a JSON array of the
/// objects ofn_runtime_deploy() gives (without "metadata"); [] when the
/// application does not exist.
@c(ofn_runtime_list)
public func ofnRuntimeList(_ out: UnsafeMutablePointer<ofn_buf>?, _ session: OpaquePointer?) -> ofn_status {
    guarded {
        let out = try Marshal.output(out)
        let runtimes = try runtimes(session)
        try Marshal.fill(out, try CJSON.encode(try blocking { try await runtimes.list() }))
    }
}

/// Deletes a runtime's functions: every memory size, or only "memory" of
/// `options_json` (may be NULL; "python" as for ofn_runtime_deploy()).
/// `runtime` as for ofn_runtime_deploy(). `out` gets the deleted functions'
/// names as a JSON array; OFN_ENOTFOUND when none is deployed.
@c(ofn_runtime_delete)
public func ofnRuntimeDelete(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ session: OpaquePointer?, _ runtime: UnsafePointer<CChar>?,
    _ optionsJSON: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let out = try Marshal.output(out)
        let (runtimes, runtime, image, options) = try resolvedRuntime(session, runtime, optionsJSON, allowed: ["memory", "python"])
        let deleted = try blocking { () -> [String] in
            let matching = try await runtimes.deployed(image: image, memory: options.memory)
            guard !matching.isEmpty else {
                throw EngineError(.notFound, "no runtime \(runtime) (image \(image)\(options.memory.map { ", \($0) MB" } ?? "")) is deployed in application \(runtimes.applicationName); ofn_runtime_list() shows what is")
            }
            try await runtimes.delete(matching)
            return matching.map(\.displayName)
        }
        try Marshal.fill(out, try CJSON.encode(deleted))
    }
}

/// Greets a few names through the engine, as `oraclefn hello` does: in the
/// runtime oracle_f.runtime (else the default Python runtime) when it is
/// deployed; on an emulator without one, through its hello function. On
/// Oracle Functions with no runtime deployed: OFN_ENOTFOUND, saying to deploy
/// it. `options_json` (may be NULL): "python" as for ofn_runtime_deploy(),
/// "names" (an array of strings, default ["world", "Lithops", "Oracle
/// Functions"]). `out` gets the report as JSON: "greetings" (in the order of
/// the names), "failures" (a line for each call that did not greet; calls that
/// fail are reported there, and the status is still OFN_OK),
/// "runtime" (absent for the emulator's hello function), "function",
/// "function_id", "endpoint", "seconds".
@c(ofn_hello)
public func ofnHello(_ out: UnsafeMutablePointer<ofn_buf>?, _ engine: OpaquePointer?, _ optionsJSON: UnsafePointer<CChar>?) -> ofn_status {
    guarded {
        let out = try Marshal.output(out)
        let engine = try Handle.borrow(engine, as: EngineHandle.self, "engine").engine
        let options = try RuntimeOptions.parse(try Marshal.options(optionsJSON), allowed: ["python", "names"])
        let report = try blocking {
            try await Runtimes.open(session: engine.session).hello(
                engine: engine, python: options.python ?? RuntimeOptions.defaultPython, names: options.names ?? Runtimes.helloNames)
        }
        try Marshal.fill(out, try CJSON.encode(report))
    }
}
