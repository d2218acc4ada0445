import OFConfig

/// A session from `oci session authenticate`: the profile's `security_token_file` and its session
/// `key_file`. The keyId is `ST$<token>`.
///
/// The token lasts an hour and `oci session refresh` (run by the user, or by a loop beside this process)
/// rewrites its file; this provider notices the new file within a second and signs with the new token.
public final class SecurityTokenProvider: CredentialProvider {
    public let mode = AuthMode.securityToken
    private let source: SessionTokenSource

    /// Reads the token and the key at once; a file that cannot be read or is malformed is a
    /// `.configuration` error naming `security_token_file` or `key_file` (or `pass_phrase`).
    ///
    /// `profileDescription` says where the settings came from in messages, e.g.
    /// `profile "SESSION" of /home/me/.oci/config`; `profileName`, when given, completes the
    /// `oci session refresh --profile NAME` advice an expired token gets.
    public init(tokenFile: String, keyFile: String, passPhrase: String?, profileDescription: String,
                profileName: String? = nil, clock: @escaping @Sendable () -> Int = currentEpochSeconds)
        throws(CredentialError)
    {
        let load: @Sendable () throws(CredentialError) -> SessionTokenSource.Loaded = { () throws(CredentialError) in
            let (raw, version) = try Self.readToken(tokenFile, profileDescription: profileDescription)
            guard let parsed = SessionTokenSource.parseToken(raw) else {
                throw CredentialError(
                    .configuration,
                    "The security token file \"\(tokenFile)\" (security_token_file of the \(profileDescription)) does not hold a session token (a JWT such as `oci session authenticate` writes): run `oci session authenticate` again, or check security_token_file.",
                    key: "security_token_file")
            }
            let key = try Self.loadKey(keyFile, passPhrase: passPhrase, profileDescription: profileDescription)
            return SessionTokenSource.Loaded(
                token: parsed.token, claims: parsed.claims, expiry: parsed.expiry,
                signer: RequestSigner(keyId: "ST$" + parsed.token, key: key, clock: clock), version: version)
        }
        let refresh = "oci session refresh --profile \(profileName ?? "<profile name>")"
        source = try SessionTokenSource(tokenPath: tokenFile, clock: clock, load: load) { loaded in
            CredentialError(
                .expired,
                "The session token in \(tokenFile) (\(profileDescription)) expired at \(SessionTokenSource.utc(loaded.expiry)): run `\(refresh)` to renew it (a session can be refreshed for up to 24 hours), or `oci session authenticate` to start a new one.")
        }
    }

    public func signer() throws(CredentialError) -> RequestSigner {
        try source.signer()
    }

    /// Reads the token file again: true when it now holds another token (`oci session refresh` ran).
    public func invalidate(keyId: String) -> Bool {
        source.invalidate(keyId: keyId)
    }

    public func expiry() -> Int? {
        source.current.expiry
    }

    /// Session tokens are a few kilobytes; anything far larger is not one.
    static let maximumTokenSize = 64 * 1024

    private static func readToken(_ path: String, profileDescription: String) throws(CredentialError)
        -> ([UInt8], FileVersion)
    {
        let reason: String
        switch SmallFile.read(path, limit: maximumTokenSize) {
        case .success(let file): return (file.bytes, file.version)
        case .failure(.system(let code)): reason = SmallFile.reason(code, setting: "security_token_file")
        case .failure(.directory): reason = "is a directory: security_token_file must name the token file inside it"
        case .failure(.tooLarge): reason = "is larger than \(maximumTokenSize) bytes, far too large for a session token: check security_token_file"
        }
        throw CredentialError(
            .configuration, "The security token file \"\(path)\" (security_token_file of the \(profileDescription)) \(reason).",
            key: "security_token_file")
    }

    private static func loadKey(_ path: String, passPhrase: String?, profileDescription: String)
        throws(CredentialError) -> PrivateKey
    {
        do {
            return try PrivateKey(contentsOfFile: path, passPhrase: passPhrase)
        } catch {
            let setting = error.keyProblem == .passPhraseMissing || error.keyProblem == .passPhraseWrong ? "pass_phrase" : "key_file"
            throw CredentialError(
                .configuration, "\"\(setting)\" of the \(profileDescription): \(error.description.lowercasedFirst)", key: setting)
        }
    }
}
