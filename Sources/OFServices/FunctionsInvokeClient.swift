// Functions invoke: POST {invokeEndpoint}/20181201/functions/{id}/actions/invoke.
import OFConfig
import OFTransport
import OFLocking

public enum InvokeMode: String, Sendable, Codable, CaseIterable {
    /// Waits for the function's answer (200 and its body).
    case sync
    /// Returns as soon as the call is accepted (202); the result goes wherever the function writes it.
    case detached
}

/// What an invocation answered.
public struct InvocationResult: Sendable {
    /// 200 for sync, 202 for detached.
    public var status: Int
    public var body: [UInt8]
    public var headers: HTTPHeaders
    /// The call id the function's logs are kept under (Fn-Call-Id), when the service sent one.
    public var callId: String?
    public var opcRequestId: String
    /// Attempts made, the first included (429 and 503 are retried).
    public var attempts: Int
}

public struct FunctionsInvokeClient: Sendable {
    /// OCI refuses request bodies over 6 MB (6 MiB, as Fn counts it) with 413; checked before sending.
    public static let maxPayloadBytes = 6 * 1024 * 1024

    public let service: ServiceClient
    public let management: FunctionsManagementClient
    /// How long a synchronous call may take to answer, unless a call says otherwise:
    /// the configured runtime_timeout plus a margin for the service.
    public let syncTimeout: Duration
    private let endpoints = EndpointCache()

    public init(management: FunctionsManagementClient, syncTimeout: Duration) {
        self.service = management.service
        self.management = management
        self.syncTimeout = syncTimeout
    }

    /// For the oracle_f section of a configuration.
    public init(configuration: Configuration, management: FunctionsManagementClient) {
        self.init(management: management, syncTimeout: .seconds(configuration.functions.runtimeTimeout + 30))
    }

    /// Invokes a function known by id; its invoke endpoint is read once and remembered.
    public func invoke(
        functionId: String, body: [UInt8], mode: InvokeMode = .sync, contentType: String = "application/json", timeout: Duration? = nil
    ) async throws -> InvocationResult {
        try checkSize(body)
        let endpoint: String
        if let known = endpoints.get(functionId) {
            endpoint = known
        } else {
            let function = try await management.getFunction(id: functionId)
            guard let found = function.invokeEndpoint, !found.isEmpty else {
                throw ClientError(.unexpectedResponse, "function \(functionId) has no invokeEndpoint yet (it is \(function.lifecycleState)); wait until it is ACTIVE")
            }
            endpoints.set(functionId, found)
            endpoint = found
        }
        return try await invoke(functionId: functionId, invokeEndpoint: endpoint, body: body, mode: mode, contentType: contentType, timeout: timeout)
    }

    /// Invokes a function at a known invoke endpoint. Only 429, 503 and failures before the
    /// request was sent are retried: a function must not run twice for one call.
    public func invoke(
        functionId: String, invokeEndpoint: String, body: [UInt8], mode: InvokeMode = .sync, contentType: String = "application/json",
        timeout: Duration? = nil
    ) async throws -> InvocationResult {
        let request = try Self.request(
            url: Self.invokeURL(invokeEndpoint: invokeEndpoint, functionId: functionId), body: body, mode: mode,
            contentType: contentType, readTimeout: mode == .sync ? (timeout ?? syncTimeout) : timeout)
        let response = try await service.send(
            "InvokeFunction", request.method, request.url, headers: request.headers, body: request.body, mode: .invoke,
            readTimeout: request.readTimeout)
        return InvocationResult(
            status: response.status, body: response.body, headers: response.headers, callId: response.headers["fn-call-id"],
            opcRequestId: response.headers["opc-request-id"] ?? "", attempts: response.attempts)
    }

    /// `POST {invokeEndpoint}/20181201/functions/{id}/actions/invoke`.
    public static func invokeURL(invokeEndpoint: String, functionId: String) -> String {
        var base = invokeEndpoint
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/20181201/functions/" + PercentEncoding.component(functionId) + "/actions/invoke"
    }

    /// The InvokeFunction request for `body`: `fn-invoke-type`, its content type, `accept: */*`, and
    /// `requestId` as its opc-request-id when given. Refuses a body over the service's limit.
    public static func request(
        url: String, body: [UInt8], mode: InvokeMode, contentType: String, requestId: String? = nil, readTimeout: Duration? = nil
    ) throws(ClientError) -> HTTPRequest {
        try checkPayload(size: body.count)
        var headers: HTTPHeaders = ["fn-invoke-type": mode.rawValue, "content-type": contentType, "accept": "*/*"]
        if let requestId { headers.set("opc-request-id", requestId) }
        var request = HTTPRequest(method: "POST", url: url, headers: headers, body: .bytes(body), readTimeout: readTimeout)
        // a function may run for a request whose answer was lost: whether to send it again is the caller's call
        request.resendable = false
        return request
    }

    /// Signs and starts one attempt of an invocation made by `request(...)`, without waiting: for callers that
    /// pace and retry invocations themselves (the engine's signing threads). `completion` runs once, on the HTTP
    /// client's I/O thread, or on this thread when the request cannot be signed. A 401 whose credentials could
    /// be renewed (an expired or revoked token) is sent once more with new ones: the function did not run.
    @discardableResult
    public func submit(_ request: HTTPRequest, completion: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void) -> TransferToken? {
        submit(request, renewing: true, completion: completion)
    }

    private func submit(
        _ request: HTTPRequest, renewing: Bool, completion: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void
    ) -> TransferToken? {
        let authorizer = service.authorizer
        let authorized: HTTPRequest
        do {
            authorized = try authorizer.authorize(request)
        } catch {
            completion(.failure(error))
            return nil
        }
        return service.executor.client.submit(authorized) { result in
            if renewing, case .success(let response) = result, response.status == 401, authorizer.unauthorized(authorized) {
                // signed anew off the I/O thread: a new token may have to be fetched through this very client
                Task.detached { _ = submit(request, renewing: false, completion: completion) }
                return
            }
            completion(result.mapError { $0 })
        }
    }

    private func checkSize(_ body: [UInt8]) throws(ClientError) { try Self.checkPayload(size: body.count) }

    /// Refuses a payload over the service's limit, before anything is sent.
    public static func checkPayload(size: Int) throws(ClientError) {
        guard size <= maxPayloadBytes else {
            throw ClientError(.payloadTooLarge, "the invocation payload has \(size) bytes, over OCI Functions' limit of \(maxPayloadBytes) (6 MB); put large inputs in Object Storage and pass their names instead")
        }
    }
}

/// Function id -> invoke endpoint, shared by copies of a client.
private final class EndpointCache: Sendable {
    private let map = Locked<[String: String]>([:])
    func get(_ id: String) -> String? { map.withLock { $0[id] } }
    func set(_ id: String, _ endpoint: String) { map.withLock { $0[id] = endpoint } }
}
