import Hummingbird
import NIOCore
import NIOHTTPTypes
import OFSigning

/// Checks the request's OCI signature before any route sees it: a request that fails gets 401 NotAuthenticated
/// and changes nothing. The signature over the headers is checked before a byte of the body is read, so an
/// unsigned upload is refused without `100 Continue` and without holding its body; an accepted request's body is
/// then collected (up to `maxBodyBytes`) and checked against the signed `content-length` and `x-content-sha256`.
/// The identity endpoints that OCI serves without a signature (instance metadata, X.509 federation) pass through to
/// routes that check what OCI checks there, and so do pre-authenticated request URLs (`/p/...`), whose token is
/// their credential: `authorizePreauthenticated` checks it before the body is read, as the signature is checked,
/// and the body limit is kept.
struct SignatureMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let verifier: SignatureVerifier
    let maxBodyBytes: Int
    /// Who signed with a verified keyId (a bucket's `createdBy`).
    let principal: @Sendable (String) -> String
    /// Throws the route's own answer (404) when a `/p/...` request's token does not allow it.
    let authorizePreauthenticated: @Sendable (Request) async throws -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if IdentityRoutes.isUnsigned(path: request.uri.path) {
            try await Self.continueIfExpected(request, context: context)
            return try await next(request, context)
        }
        var request = request
        if request.uri.path.hasPrefix(PreauthenticatedPath.prefix) {
            do {
                try await self.authorizePreauthenticated(request)
            } catch let error as OCIError {
                throw error.closingConnection(if: RequestParts.announcesBody(request.headers))
            }
            _ = try await self.collectBody(of: &request, context: context)
            return try await next(request, context)
        }
        let signed: SignedHeaders
        switch self.verifier.verifyHeaders(method: request.method.rawValue, target: request.head.path ?? "/", headers: Self.headers(of: request)) {
        case .success(let verified): signed = verified
        case .failure(let failure):
            throw OCIError.notAuthenticated(failure.description).closingConnection(if: RequestParts.announcesBody(request.headers))
        }
        let body = try await self.collectBody(of: &request, context: context)
        if case .failure(let failure) = signed.checkBody(Array(body.readableBytesView)) {
            throw OCIError.notAuthenticated(failure.description)
        }
        var context = context
        context.keyId = signed.keyId
        context.principal = self.principal(signed.keyId)
        return try await next(request, context)
    }

    /// The body of an admitted request, at most `maxBodyBytes`: a larger `Content-Length` is refused before the
    /// body is asked for.
    private func collectBody(of request: inout Request, context: Context) async throws -> ByteBuffer {
        if let length = RequestParts.contentLength(request.headers), length > self.maxBodyBytes {
            throw self.tooLarge.closingConnection()
        }
        try await Self.continueIfExpected(request, context: context)
        do {
            return try await request.collectBody(upTo: self.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw self.tooLarge.closingConnection()
        }
    }

    private var tooLarge: OCIError {
        OCIError(status: .contentTooLarge, code: "RequestEntityTooLarge", message: "The request body is larger than the \(self.maxBodyBytes) bytes the emulator accepts; send less, or start the emulator with a larger EmulatorOptions.maxRequestBodyBytes.")
    }

    /// Answers `Expect: 100-continue` with `100 Continue` once the request is accepted, so clients that wait for it
    /// before sending the body (libcurl, the Go SDK, the Python SDK's PutObject) go ahead without their fallback delay.
    private static func continueIfExpected(_ request: Request, context: Context) async throws {
        guard request.headers[.expect]?.lowercased() == "100-continue" else { return }
        try await context.channel.writeAndFlush(HTTPResponsePart.head(HTTPResponse(status: .continue))).get()
    }

    /// The headers as the client sent them. HTTP/1's Host travels as the request's authority here.
    static func headers(of request: Request) -> [(String, String)] {
        var headers = request.headers.map { ($0.name.canonicalName, $0.value) }
        if let authority = request.head.authority {
            headers.append(("host", authority))
        }
        return headers
    }
}
