import OFSigning

/// Adds credentials to a request before each attempt. It runs on the caller's task,
/// never on the I/O thread, so RSA signing does not hold up other transfers; and it runs
/// again for every retry, so the signed date stays fresh.
public protocol RequestAuthorizer: Sendable {
    func authorize(_ request: HTTPRequest) throws -> HTTPRequest
    /// `request`, as authorized, was answered 401. True when credentials were renewed and the
    /// request may be sent once more with a fresh signature.
    func unauthorized(_ request: HTTPRequest) -> Bool
}

extension RequestAuthorizer {
    /// Fixed credentials: a 401 will not go away by trying again.
    public func unauthorized(_ request: HTTPRequest) -> Bool { false }
}

/// Signs with whatever signer a credential provider gives now (API key, session token, instance or
/// resource principal), and tells the provider when its token was refused.
public struct CredentialAuthorizer: RequestAuthorizer {
    public let provider: any CredentialProvider

    public init(provider: any CredentialProvider) {
        self.provider = provider
    }

    public func authorize(_ request: HTTPRequest) throws -> HTTPRequest {
        try provider.signer().authorize(request)
    }

    public func unauthorized(_ request: HTTPRequest) -> Bool {
        guard let authorization = request.headers["authorization"],
              let keyId = RequestSigner.keyId(inAuthorization: authorization)
        else { return false }
        return provider.invalidate(keyId: keyId)
    }
}

extension RequestSigner: RequestAuthorizer {
    /// Signs with OCI's rule for which bodies are signed. A streamed body can only be sent
    /// where OCI leaves the body unsigned (PutObject, UploadPart), as it cannot be hashed
    /// ahead of sending.
    public func authorize(_ request: HTTPRequest) throws -> HTTPRequest {
        let body: [UInt8]?
        switch request.body {
        case .empty: body = nil
        case .bytes(let bytes): body = bytes
        case .source:
            if RequestSigner.signsBody(method: request.method, path: Self.path(of: request.url)) {
                throw TransportError.invalidRequest(
                    "\(request.method) \(request.url) signs its body, so the body must be given as bytes, not streamed")
            }
            body = nil
        }
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name.lowercased()] = value }
        let signed = try sign(method: request.method, url: request.url, headers: headers, body: body, signBody: nil)
        var authorized = request
        authorized.headers = HTTPHeaders(signed.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        return authorized
    }

    private static func path(of url: String) -> String {
        guard let scheme = url.firstRange(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        return rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
    }
}
