import Hummingbird
import NIOCore
import OFSigning

/// Collects the body and checks the request's OCI signature before any route sees it: a request that
/// fails gets 401 NotAuthenticated and changes nothing. The identity endpoints that OCI serves without a signature
/// (instance metadata, X.509 federation) pass through to routes that check what OCI checks there, and so do
/// pre-authenticated request URLs (`/p/...`), whose token is their credential (checked by their routes).
struct SignatureMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let verifier: SignatureVerifier
    let maxBodyBytes: Int
    /// Who signed with a verified keyId (a bucket's `createdBy`).
    let principal: @Sendable (String) -> String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if IdentityRoutes.isUnsigned(path: request.uri.path) {
            return try await next(request, context)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: self.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw OCIError(status: .contentTooLarge, code: "RequestEntityTooLarge", message: "The request body is larger than the \(self.maxBodyBytes) bytes the emulator accepts; send less, or start the emulator with a larger EmulatorOptions.maxRequestBodyBytes.")
        }
        if request.uri.path.hasPrefix(PreauthenticatedPath.prefix) {
            return try await next(request, context)
        }
        let result = self.verifier.verify(
            method: request.method.rawValue, target: request.head.path ?? "/", headers: Self.headers(of: request),
            body: Array(body.readableBytesView)
        )
        switch result {
        case .success(let keyId):
            var context = context
            context.keyId = keyId
            context.principal = self.principal(keyId)
            return try await next(request, context)
        case .failure(let failure):
            throw OCIError.notAuthenticated(failure.description)
        }
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
