import OFConfig

/// An API key: `<tenancy>/<user>/<fingerprint>` and its private key, which never expire. The key is read
/// and decrypted once, when the provider is made.
public final class APIKeyProvider: CredentialProvider {
    public let mode = AuthMode.apiKey
    private let current: RequestSigner

    /// Loads key_file with pass_phrase and checks its fingerprint, with the errors of
    /// ``RequestSigner/init(credentials:section:clock:)``.
    public init(credentials: OracleCredentials, section: String,
                clock: @escaping @Sendable () -> Int = currentEpochSeconds) throws(ConfigError)
    {
        current = try RequestSigner(credentials: credentials, section: section, clock: clock)
    }

    public init(signer: RequestSigner) {
        current = signer
    }

    public func signer() -> RequestSigner {
        current
    }

    /// A 401 for an API key is not cured by trying again with the same key.
    public func invalidate(keyId: String) -> Bool {
        false
    }

    public func expiry() -> Int? {
        nil
    }
}
