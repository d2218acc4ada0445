import OFConfig

/// What signs a request and with which keyId, for one kind of credential (API key, session token,
/// instance or resource principal). Providers that hold tokens refresh them themselves; `signer()` is
/// called for every request on any thread, so it must be cheap when nothing changed.
public protocol CredentialProvider: AnyObject, Sendable {
    var mode: AuthMode { get }
    /// The signer to use now. A token that has expired, or is about to, is read again or fetched again first.
    func signer() throws(CredentialError) -> RequestSigner
    /// A request signed with `keyId` was answered 401: forget that token so the next `signer()` gets
    /// another. Returns true when a new attempt may succeed (a token was dropped), false for an API key.
    func invalidate(keyId: String) -> Bool
    /// When the token in use expires (epoch seconds), nil for credentials that do not expire.
    func expiry() -> Int?
}

/// Why credentials could not be had: a file, the metadata service or the federation endpoint failed, or a
/// token expired. The message says what to do and never holds a token, key or pass phrase.
public struct CredentialError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A configured file or value is missing, unreadable or malformed.
        case configuration
        /// A session token has expired and cannot be renewed here.
        case expired
        /// The metadata service or the federation endpoint did not give what was asked.
        case service
    }

    public let kind: Kind
    public let description: String
    /// The configuration key to fix, when one is to blame (e.g. "security_token_file").
    public let key: String?

    public init(_ kind: Kind, _ description: String, key: String? = nil) {
        self.kind = kind
        self.description = description
        self.key = key
    }
}
