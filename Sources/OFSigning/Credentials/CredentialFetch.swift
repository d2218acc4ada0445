/// One HTTP exchange a credential provider needs (the instance metadata service, the federation
/// endpoint). Signing sits below Transport, so the provider is handed a function that performs it.
public struct CredentialRequest: Sendable, Equatable {
    public var method: String
    /// Absolute, sent as given.
    public var url: String
    /// Sent as given; the federation request carries its signed headers here, `host` included.
    public var headers: [String: String]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [String: String] = [:], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct CredentialResponse: Sendable, Equatable {
    public var status: Int
    /// Names in lowercase.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Performs one request and returns whatever the server answered, error statuses included; throws
/// (`.service`) only when there is no answer (no route, refused, timed out). It is called from the
/// thread that asked for a signer, and may block it.
public typealias CredentialFetch = @Sendable (CredentialRequest) throws(CredentialError) -> CredentialResponse
