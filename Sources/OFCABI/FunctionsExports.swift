// Oracle Functions from C: list applications and functions, invoke sync and detached.
import COraclefnTypes
import OFConfig
import OFServices

final class FunctionsHandle: Handle {
    let management: FunctionsManagementClient
    let invoker: FunctionsInvokeClient

    init(_ configuration: Configuration) throws {
        let service = try ServiceClient(configuration: configuration, section: .functions)
        management = FunctionsManagementClient(configuration: configuration, service: service)
        invoker = FunctionsInvokeClient(configuration: configuration, management: management)
    }
}

/// A Functions client for the configuration's oracle_f section (its endpoint,
/// or the region's). Free it with ofn_functions_free().
@c(ofn_functions_new)
public func ofnFunctionsNew(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ config: OpaquePointer?) -> ofn_status {
    guarded {
        guard let out else { throw CError.invalid("out must not be NULL") }
        out.pointee = nil
        let handle = try Handle.borrow(config, as: ConfigHandle.self, "config")
        out.pointee = try FunctionsHandle(handle.configuration).register()
    }
}

@c(ofn_functions_free)
public func ofnFunctionsFree(_ functions: OpaquePointer?) { Handle.release(functions) }

/// The applications of `compartment_id` (NULL: the configured compartment) as a
/// JSON array of OCI's Application objects (camelCase: "id", "displayName",
/// "lifecycleState", ...).
@c(ofn_functions_list_applications)
public func ofnFunctionsListApplications(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ functions: OpaquePointer?, _ compartmentId: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let handle = try Handle.borrow(functions, as: FunctionsHandle.self, "functions")
        let compartment = try Marshal.optionalString(compartmentId, "compartment_id")
        let applications = try blocking { try await handle.management.listApplications(compartmentId: compartment) }
        try Marshal.fill(out, try CJSON.encode(applications))
    }
}

/// The functions of an application as a JSON array of OCI's Function objects
/// ("id", "displayName", "image", "memoryInMBs", "invokeEndpoint", ...).
@c(ofn_functions_list_functions)
public func ofnFunctionsListFunctions(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ functions: OpaquePointer?, _ applicationId: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let handle = try Handle.borrow(functions, as: FunctionsHandle.self, "functions")
        let application = try Marshal.string(applicationId, "application_id")
        let list = try blocking { try await handle.management.listFunctions(applicationId: application) }
        try Marshal.fill(out, try CJSON.encode(list))
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
        let (handle, id, bytes) = try invocation(functions, functionId, body, size)
        let result = try blocking { try await handle.invoker.invoke(functionId: id, body: bytes, mode: .detached) }
        try Marshal.fill(out, result.callId ?? "")
    }
}

private func invocation(
    _ functions: OpaquePointer?, _ functionId: UnsafePointer<CChar>?, _ body: UnsafeRawPointer?, _ size: Int
) throws -> (FunctionsHandle, String, [UInt8]) {
    let handle = try Handle.borrow(functions, as: FunctionsHandle.self, "functions")
    let id = try Marshal.string(functionId, "function_id")
    try FunctionsInvokeClient.checkPayload(size: size)  // before copying the body
    return (handle, id, try Marshal.bytes(body, size, "body"))
}
