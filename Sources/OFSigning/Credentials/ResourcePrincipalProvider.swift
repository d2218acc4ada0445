import OFConfig

/// A function's own identity: resource principals version 2.2, as Oracle Functions sets it up and the
/// oci SDK reads it (`get_resource_principals_signer`, `EphemeralResourcePrincipalSigner`).
///
/// - `OCI_RESOURCE_PRINCIPAL_RPST`: the resource principal session token, or an absolute path to a
///   file holding it (read again when it changes or nears expiry).
/// - `OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM`: the session key as PEM, or an absolute path to its file
///   (read again with the token).
/// - `OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE` (optional): the key's pass phrase; when the key is
///   a file, the path of a file holding the pass phrase, as the SDK's FileBasedSessionKeySupplier takes it.
/// - `OCI_RESOURCE_PRINCIPAL_REGION`: the region the function runs in.
///
/// The keyId is `ST$<token>`.
public final class ResourcePrincipalProvider: CredentialProvider {
    public let mode = AuthMode.resourcePrincipal
    /// `OCI_RESOURCE_PRINCIPAL_REGION` as given, nil when unset (the SDK does not require it).
    public let region: String?
    private let source: SessionTokenSource

    static let versionVariable = "OCI_RESOURCE_PRINCIPAL_VERSION"
    static let tokenVariable = "OCI_RESOURCE_PRINCIPAL_RPST"
    static let keyVariable = "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM"
    static let passPhraseVariable = "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE"
    static let regionVariable = "OCI_RESOURCE_PRINCIPAL_REGION"

    /// Reads the variables (and the files they name) at once; anything missing or malformed is a
    /// `.configuration` error that names the variable.
    public init(environment: [String: String], clock: @escaping @Sendable () -> Int = currentEpochSeconds)
        throws(CredentialError)
    {
        guard let version = environment[Self.versionVariable] else {
            throw Self.missing(Self.versionVariable)
        }
        guard version == "2.2" else {
            throw CredentialError(
                .configuration,
                "\(Self.versionVariable) is \"\(version)\", but only resource principals version 2.2 (what Oracle Functions sets) is supported here: run inside an OCI function, or use another auth mode.",
                key: Self.versionVariable)
        }
        guard let tokenSetting = environment[Self.tokenVariable] else { throw Self.missing(Self.tokenVariable) }
        guard let keySetting = environment[Self.keyVariable] else { throw Self.missing(Self.keyVariable) }
        let passPhraseSetting = environment[Self.passPhraseVariable]
        region = environment[Self.regionVariable]

        // The SDK's rule (os.path.isabs): an absolute path names a file, anything else is the value itself.
        let tokenPath = Self.isAbsolutePath(tokenSetting) ? tokenSetting : nil
        let fixedKey: PrivateKey?
        if Self.isAbsolutePath(keySetting) {
            fixedKey = nil
        } else {
            fixedKey = try Self.key(pem: Array(keySetting.utf8), passPhrase: passPhraseSetting, origin: "The private key in \(Self.keyVariable)")
        }
        let load: @Sendable () throws(CredentialError) -> SessionTokenSource.Loaded = { () throws(CredentialError) in
            var raw = Array(tokenSetting.utf8)
            var version: FileVersion?
            if let tokenPath {
                let file = try Self.read(tokenPath, variable: Self.tokenVariable, what: "resource principal session token")
                raw = file.bytes
                version = file.version
            }
            guard let parsed = SessionTokenSource.parseToken(raw) else {
                let origin = tokenPath.map { "The file \"\($0)\" named by \(Self.tokenVariable)" } ?? Self.tokenVariable
                throw CredentialError(
                    .configuration,
                    "\(origin) does not hold a resource principal session token (a JWT with an exp claim).",
                    key: Self.tokenVariable)
            }
            let key: PrivateKey
            if let fixedKey {
                key = fixedKey
            } else {
                key = try Self.keyFromFiles(keySetting, passPhraseFile: passPhraseSetting)
            }
            return SessionTokenSource.Loaded(
                token: parsed.token, claims: parsed.claims, expiry: parsed.expiry,
                signer: RequestSigner(keyId: "ST$" + parsed.token, key: key, clock: clock), version: version)
        }
        source = try SessionTokenSource(tokenPath: tokenPath, clock: clock, load: load) { loaded in
            let expiredAt = SessionTokenSource.utc(loaded.expiry)
            if let tokenPath {
                return CredentialError(
                    .expired,
                    "The resource principal session token in \(tokenPath) (\(Self.tokenVariable)) expired at \(expiredAt) and the file has not been renewed since: the platform that runs this function renews it; check that the function still runs under it.")
            }
            return CredentialError(
                .expired,
                "The resource principal session token given in \(Self.tokenVariable) expired at \(expiredAt); a token given as a value cannot be renewed: give the path of a file the platform keeps current instead, or start again with a fresh token.")
        }
    }

    /// The tenancy the function belongs to: the token's `res_tenant` claim.
    public var tenancy: String? { source.current.claims.string("res_tenant") }

    /// The compartment the function is in: the token's `res_compartment` claim.
    public var compartment: String? { source.current.claims.string("res_compartment") }

    public func signer() throws(CredentialError) -> RequestSigner {
        try source.signer()
    }

    /// Reads a token file again, as the SDK does after a 401; a token given as a value cannot change.
    public func invalidate(keyId: String) -> Bool {
        source.invalidate(keyId: keyId)
    }

    public func expiry() -> Int? {
        source.current.expiry
    }

    static func isAbsolutePath(_ value: String) -> Bool {
        value.hasPrefix("/")
    }

    private static func missing(_ variable: String) -> CredentialError {
        CredentialError(
            .configuration,
            "\(variable) is not set: resource principals exist only inside an OCI function, which sets the OCI_RESOURCE_PRINCIPAL_* variables; outside one, set them (version 2.2: \(versionVariable), \(tokenVariable), \(keyVariable), \(regionVariable)) or use another auth mode.",
            key: variable)
    }

    private static func read(_ path: String, variable: String, what: String) throws(CredentialError)
        -> (bytes: [UInt8], version: FileVersion)
    {
        let reason: String
        switch SmallFile.read(path, limit: SecurityTokenProvider.maximumTokenSize) {
        case .success(let file): return (file.bytes, file.version)
        case .failure(.system(let code)): reason = SmallFile.reason(code, setting: variable)
        case .failure(.directory): reason = "is a directory: \(variable) must name a file"
        case .failure(.tooLarge): reason = "is larger than \(SecurityTokenProvider.maximumTokenSize) bytes, far too large for a \(what): check \(variable)"
        }
        throw CredentialError(.configuration, "The \(what) file \"\(path)\" named by \(variable) \(reason).", key: variable)
    }

    private static func keyFromFiles(_ keyPath: String, passPhraseFile: String?) throws(CredentialError) -> PrivateKey {
        var passPhrase: String?
        if let passPhraseFile {
            // A line break at the end of the file is not part of the pass phrase.
            var text = try read(passPhraseFile, variable: passPhraseVariable, what: "pass phrase").bytes
            while let last = text.last, last == 0x0A || last == 0x0D { text.removeLast() }
            passPhrase = String(decoding: text, as: UTF8.self)
        }
        let pem = try read(keyPath, variable: keyVariable, what: "private key").bytes
        return try key(pem: pem, passPhrase: passPhrase, origin: "The private key file \"\(keyPath)\" named by \(keyVariable)")
    }

    private static func key(pem: [UInt8], passPhrase: String?, origin: String) throws(CredentialError) -> PrivateKey {
        do {
            return try PrivateKey(pem: pem, passPhrase: passPhrase, source: origin)
        } catch {
            let variable = error.keyProblem == .passPhraseMissing || error.keyProblem == .passPhraseWrong ? passPhraseVariable : keyVariable
            throw CredentialError(.configuration, error.description, key: variable)
        }
    }
}
