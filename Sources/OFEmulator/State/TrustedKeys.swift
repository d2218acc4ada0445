import OFConfig
import OFSigning

/// The API keys an emulator trusts, taken from a Lithops configuration.
public enum TrustedKeys {
    /// The public key of every API key the configuration signs with (the `oracle` section's, and a service
    /// section's own when it sets one), by keyId. Each key is checked as a client would load it (pass
    /// phrase, fingerprint), so a configuration the emulator accepts is one the client can sign with.
    public static func from(_ configuration: Configuration) throws(ConfigError) -> [String: PublicKey] {
        // only API keys are registered: tokens carry their own key, checked against the emulator's issuer
        let sections: [(String, OracleCredentials)] = [
            ("oracle", configuration.oracle.credentials), ("oracle_f", configuration.functions.credentials),
            ("oracle_oss", configuration.storage.credentials),
        ].compactMap { section, credentials in credentials.apiKey.map { (section, $0) } }
        var keys: [String: PublicKey] = [:]
        for (section, credentials) in sections where keys[credentials.keyId] == nil {
            _ = try RequestSigner(credentials: credentials, section: section)
            do {
                keys[credentials.keyId] = try PrivateKey(contentsOfFile: credentials.keyFile, passPhrase: credentials.passPhrase).publicKey
            } catch {
                throw ConfigError(section: section, key: "key_file", message: "\"key_file\" in the \"\(section)\" section: \(error.description)")
            }
        }
        return keys
    }
}
