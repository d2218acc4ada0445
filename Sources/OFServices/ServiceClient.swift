// The part every OCI client shares: a request id per call, signing per attempt,
// retries, and turning error answers into ServiceError.
import OFConfig
import OFSigning
import OFTransport

public final class ServiceClient: Sendable {
    public let executor: RetryingExecutor
    public let authorizer: any RequestAuthorizer
    public let endpoints: Endpoints
    /// This service's timeouts and TLS, when they differ from those of the HTTP client it shares.
    public let transport: TransportConfiguration?

    public init(executor: RetryingExecutor, authorizer: any RequestAuthorizer, endpoints: Endpoints, transport: TransportConfiguration? = nil) {
        self.executor = executor
        self.authorizer = authorizer
        self.endpoints = endpoints
        self.transport = transport
    }

    public var logger: Logger { executor.client.logger }

    /// Sends one operation's request and returns its successful answer; an error answer
    /// (after retries) is thrown as a ServiceError.
    func send(
        _ operation: String, _ method: String, _ url: String, headers: HTTPHeaders = [:], body: RequestBody = .empty,
        mode: RetryMode = .idempotent, readTimeout: Duration? = nil, sink: (any ResponseSink)? = nil
    ) async throws -> HTTPResponse {
        var headers = headers
        let requestId = headers["opc-request-id"] ?? Self.newRequestId()
        headers.set("opc-request-id", requestId)
        if !headers.contains("accept") { headers.set("accept", "application/json") }
        var request = HTTPRequest(method: method, url: url, headers: headers, body: body, readTimeout: readTimeout, sink: sink)
        request.transport = transport
        let response = try await executor.execute(request, mode: mode, authorizer: authorizer) { OCIJSON.errorBody($0.body)?.code }
        guard response.isSuccess else { throw ServiceError(operation: operation, response: response, requestId: requestId) }
        return response
    }

    /// Sends a request whose answer is JSON and decodes it.
    func sendJSON<T: Decodable>(
        _ type: T.Type, _ operation: String, _ method: String, _ url: String, json: (any Encodable)? = nil
    ) async throws -> T {
        let response = try await send(operation, method, url, body: try Self.jsonBody(json))
        return try OCIJSON.decode(T.self, response.body, operation: operation)
    }

    /// Every item of a list operation, following opc-next-page.
    func listAll<T: Decodable>(_ type: T.Type, _ operation: String, _ url: String) async throws -> [T] {
        var items: [T] = []
        var page: String?
        repeat {
            let pageURL = url + (page.map { "&page=\(PercentEncoding.component($0))" } ?? "")
            let response = try await send(operation, "GET", pageURL)
            items += try OCIJSON.decode([T].self, response.body, operation: operation)
            page = response.headers["opc-next-page"].flatMap { $0.isEmpty ? nil : $0 }
        } while page != nil
        return items
    }

    static func jsonBody(_ value: (any Encodable)?) throws(ClientError) -> RequestBody {
        guard let value else { return .empty }
        return .bytes(try OCIJSON.encode(value))
    }

    /// 32 uppercase hex digits, as the oci SDK makes them.
    static func newRequestId() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(rng.next() as UInt64, radix: 16, uppercase: true)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
