import OFConfig

extension RequestSigner {
    /// The signer for the configuration's `oracle` section API key: loads key_file with pass_phrase and checks
    /// the key's fingerprint against the configured one.
    public init(configuration: Configuration, clock: @escaping @Sendable () -> Int = currentEpochSeconds)
        throws(ConfigError)
    {
        guard let key = configuration.oracle.credentials.apiKey else {
            throw ConfigError(
                section: "oracle", key: "auth",
                message: "the configuration signs with auth: \(configuration.oracle.auth.rawValue), not with an API key; a signer for it comes from its credential provider")
        }
        try self.init(credentials: key, section: "oracle", clock: clock)
    }

    /// The signer for one section's API key (`oracle`, or a service section that sets its own key).
    /// Errors name the setting to fix: key_file, pass_phrase or fingerprint.
    public init(credentials: OracleCredentials, section: String,
                clock: @escaping @Sendable () -> Int = currentEpochSeconds) throws(ConfigError)
    {
        let key: PrivateKey
        do {
            key = try PrivateKey(contentsOfFile: credentials.keyFile, passPhrase: credentials.passPhrase)
        } catch {
            let setting = error.keyProblem == .passPhraseMissing || error.keyProblem == .passPhraseWrong ? "pass_phrase" : "key_file"
            throw ConfigError(section: section, key: setting,
                              message: "\"\(setting)\" in the \"\(section)\" section: \(error.description.lowercasedFirst)")
        }
        guard key.fingerprint == credentials.fingerprint else {
            throw ConfigError(
                section: section, key: "fingerprint",
                message: "\"fingerprint\" in the \"\(section)\" section is \(credentials.fingerprint), but the key file \"\(credentials.keyFile)\" has fingerprint \(key.fingerprint): set fingerprint to \(key.fingerprint) if that is the key uploaded to OCI, or point key_file at the private key whose fingerprint is \(credentials.fingerprint).")
        }
        self.init(keyId: credentials.keyId, key: key, clock: clock)
    }
}
