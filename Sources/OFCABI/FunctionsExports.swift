// Oracle Functions from C: list applications and functions, invoke sync and detached.
import COraclefnTypes
import OFConfig
import OFServices

final class FunctionsHandle: Handle {
    let configuration: Configuration
    let management: FunctionsManagementClient
    let invoker: FunctionsInvokeClient
    let logs: LogsClient

    init(_ session: Session) {
        configuration = session.configuration
        management = session.functions
        invoker = session.invoker
        logs = session.logs
    }
}

/// The Functions client of a session, for its configuration's oracle_f
/// section (its endpoint, or the region's). Free it with ofn_functions_free().
@c(ofn_functions_new)
public func ofnFunctionsNew(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ session: OpaquePointer?) -> ofn_status {
    guarded {
        guard let out else { throw CError.invalid("out must not be NULL") }
        out.pointee = nil
        out.pointee = FunctionsHandle(try SessionHandle.session(session)).register()
    }
}

@c(ofn_functions_free)
public func ofnFunctionsFree(_ functions: OpaquePointer?) { Handle.release(functions, as: FunctionsHandle.self) }

/// The applications of `compartment_id` (NULL: the configured compartment) as a
/// JSON array of OCI's Application objects (camelCase: "id", "displayName",
/// "lifecycleState", ...).
@c(ofn_functions_list_applications)
public func ofnFunctionsListApplications(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ functions: OpaquePointer?, _ compartmentId: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let compartment = try Marshal.optionalString(compartmentId, "compartment_id", limit: Marshal.nameLimit)
        try answerJSON(out, functions) { try await $0.management.listApplications(compartmentId: compartment) }
    }
}

/// The functions of an application as a JSON array of OCI's Function objects
/// ("id", "displayName", "image", "memoryInMBs", "invokeEndpoint", ...).
@c(ofn_functions_list_functions)
public func ofnFunctionsListFunctions(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ functions: OpaquePointer?, _ applicationId: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let application = try Marshal.string(applicationId, "application_id", limit: Marshal.nameLimit)
        try answerJSON(out, functions) { try await $0.management.listFunctions(applicationId: application) }
    }
}

/// Sets `*out` to 1 when the configuration's Functions endpoint is an oraclefn
/// emulator, else to 0. Only a configured oracle_f endpoint is asked; OCI's
/// regional endpoints are never an emulator.
@c(ofn_functions_is_emulator)
public func ofnFunctionsIsEmulator(_ out: UnsafeMutablePointer<Int32>?, _ functions: OpaquePointer?) -> ofn_status {
    guarded {
        guard let out else { throw CError.invalid("out must not be NULL") }
        let handle = try Handle.borrow(functions, as: FunctionsHandle.self, "functions")
        let emulated = try blocking { try await handle.logs.isEmulator(configuration: handle.configuration) }
        out.pointee = emulated ? 1 : 0
    }
}

/// The application named `name` in the configured compartment as OCI's
/// Application JSON object: the existing one, or one made in the configured
/// subnet when missing; returns once it is ACTIVE.
@c(ofn_functions_ensure_application)
public func ofnFunctionsEnsureApplication(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ functions: OpaquePointer?, _ name: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let displayName = try Marshal.string(name, "name", limit: Marshal.nameLimit)
        guard FunctionsSettings.isApplicationName(displayName) else {
            throw CError.invalid("name is \"\(displayName)\", which is not an application name: use 1 to 255 letters, digits, '-' and '_'")
        }
        try answerJSON(out, functions) { try await $0.management.ensureApplication(displayName: displayName) }
    }
}

/// Creates or updates a function and puts it in `out` as OCI's Function JSON
/// object once it is ACTIVE. `details_json` is OCI's CreateFunctionDetails:
/// {"applicationId", "displayName", "image", "memoryInMBs"} and optionally
/// "timeoutInSeconds", "config" (the function's environment) and
/// "freeformTags". A function of that name in the application is updated when
/// any of these differ (config and tags only when given), else one is created.
@c(ofn_functions_deploy_function)
public func ofnFunctionsDeployFunction(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ functions: OpaquePointer?, _ detailsJSON: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let details = try CJSON.decode(CreateFunctionDetails.self, try Marshal.string(detailsJSON, "details_json", limit: Marshal.optionsLimit), "details_json",
            example: #"{"applicationId": "ocid1.fnapp...", "displayName": "fn", "image": "oraclefn/echo", "memoryInMBs": 256}"#)
        try answerJSON(out, functions) { try await $0.management.deployFunction(details) }
    }
}

/// Invokes a function synchronously with `size` bytes of `body` and puts its
/// answer in `out`. Bodies over 6 MB give OFN_ETOOLARGE without sending; a
/// failing function OFN_EFUNCTION; 429 and 503 are retried with backoff.
@c(ofn_functions_invoke)
public func ofnFunctionsInvoke(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ functions: OpaquePointer?, _ functionId: UnsafePointer<CChar>?,
    _ body: UnsafeRawPointer?, _ size: Int
) -> ofn_status {
    guarded {
        let out = try Marshal.output(out)
        let (handle, id, bytes) = try invocation(functions, functionId, body, size)
        let result = try blocking { try await handle.invoker.invoke(functionId: id, body: bytes, mode: .sync) }
        try Marshal.fill(out, result.body)
    }
}

/// Invokes a function detached: returns once the service has accepted the
/// call, with its call id in `out` ("" when the service gave none).
@c(ofn_functions_invoke_detached)
public func ofnFunctionsInvokeDetached(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ functions: OpaquePointer?, _ functionId: UnsafePointer<CChar>?,
    _ body: UnsafeRawPointer?, _ size: Int
) -> ofn_status {
    guarded {
        let out = try Marshal.output(out)
        let (handle, id, bytes) = try invocation(functions, functionId, body, size)
        let result = try blocking { try await handle.invoker.invoke(functionId: id, body: bytes, mode: .detached) }
        try Marshal.fill(out, result.callId ?? "")
    }
}

/// Runs `operation` with the Functions handle and puts its answer in `out` as JSON.
private func answerJSON<T: Encodable & Sendable>(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ functions: OpaquePointer?, _ operation: @escaping @Sendable (FunctionsHandle) async throws -> T
) throws {
    let out = try Marshal.output(out)
    let handle = try Handle.borrow(functions, as: FunctionsHandle.self, "functions")
    try Marshal.fill(out, try CJSON.encode(try blocking { try await operation(handle) }))
}

private func invocation(
    _ functions: OpaquePointer?, _ functionId: UnsafePointer<CChar>?, _ body: UnsafeRawPointer?, _ size: Int
) throws -> (FunctionsHandle, String, [UInt8]) {
    let handle = try Handle.borrow(functions, as: FunctionsHandle.self, "functions")
    let id = try Marshal.string(functionId, "function_id", limit: Marshal.nameLimit)
    try FunctionsInvokeClient.checkPayload(size: size)  // before copying the body
    return (handle, id, try Marshal.bytes(body, size, "body"))
}
