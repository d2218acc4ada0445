import Foundation
import OFSigning

/// The credential files `oraclefn emulator --state DIR` writes, so every OCI credential mode can be tried against
/// it with the unchanged oci SDK or CLI:
///
/// - `DIR/oci_config`: an OCI CLI configuration with `[DEFAULT]` (the API key the emulator trusts) and `[SESSION]`
///   (a session token, as `oci session authenticate` writes one);
/// - `DIR/sessions/SESSION/token` and `oci_api_key.pem` (+ `oci_api_key_public.pem`): that session's token, issued
///   anew at each start, and its key, kept across starts;
/// - `DIR/resource_principal/rpst` and `private.pem`: the resource principal the emulator's handlers get, for
///   `OCI_RESOURCE_PRINCIPAL_RPST` / `OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM` (version 2.2).
public struct IdentityFiles: Sendable {
    /// The `[DEFAULT]` profile: an API key the emulator trusts.
    public struct APIKeyProfile: Sendable, Equatable {
        public var user: String
        public var tenancy: String
        public var fingerprint: String
        public var keyFile: String
        public var passPhrase: String?
        public var region: String

        public init(user: String, tenancy: String, fingerprint: String, keyFile: String, passPhrase: String? = nil, region: String) {
            self.user = user
            self.tenancy = tenancy
            self.fingerprint = fingerprint
            self.keyFile = keyFile
            self.passPhrase = passPhrase
            self.region = region
        }
    }

    /// The profile name `oci session authenticate --profile-name` would be given.
    public static let sessionProfile = "SESSION"

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public var configFile: String { self.path("oci_config") }
    public var sessionDirectory: String { self.path("sessions/\(Self.sessionProfile)") }
    public var sessionTokenFile: String { self.path("sessions/\(Self.sessionProfile)/token") }
    public var sessionKeyFile: String { self.path("sessions/\(Self.sessionProfile)/oci_api_key.pem") }
    public var resourcePrincipalTokenFile: String { self.path("resource_principal/rpst") }
    public var resourcePrincipalKeyFile: String { self.path("resource_principal/private.pem") }

    /// Writes every file for a started emulator's `identity`: a new session token for `apiKey`'s user (with the
    /// session key kept from an earlier start, or a new one), its resource principal, and `oci_config`.
    public func write(identity: EmulatorIdentity, apiKey: APIKeyProfile, emulatorURL: String = "") throws {
        let sessionKey = try EmulatorIdentity.key(named: "oci_api_key.pem", in: self.sessionDirectory)
        try Data(sessionKey.publicKey.pem.utf8).write(to: URL(fileURLWithPath: self.path("sessions/\(Self.sessionProfile)/oci_api_key_public.pem")), options: .atomic)
        let token = try identity.issueUserSession(user: apiKey.user, tenancy: apiKey.tenancy, sessionKey: sessionKey.publicKey)
        try PrivateFile.write(token, to: self.sessionTokenFile)
        try PrivateFile.write(identity.resourcePrincipal.token, to: self.resourcePrincipalTokenFile)
        try PrivateFile.write(identity.resourcePrincipal.privateKeyPEM, to: self.resourcePrincipalKeyFile)
        try PrivateFile.write(self.configuration(apiKey: apiKey, sessionFingerprint: sessionKey.fingerprint, emulatorURL: emulatorURL), to: self.configFile)
    }

    func configuration(apiKey: APIKeyProfile, sessionFingerprint: String, emulatorURL: String) -> String {
        var lines = [
            "# Made by `oraclefn emulator`\(emulatorURL.isEmpty ? "" : " for the emulator at \(emulatorURL)"); rewritten each time it starts.",
            "# Send requests to that URL (the oci SDK's service_endpoint=); see docs/emulator.md, \"Identities\".",
            "[DEFAULT]",
            "user=\(apiKey.user)",
            "fingerprint=\(apiKey.fingerprint)",
            "key_file=\(apiKey.keyFile)",
            "tenancy=\(apiKey.tenancy)",
            "region=\(apiKey.region)",
        ]
        if let passPhrase = apiKey.passPhrase, !passPhrase.isEmpty {
            lines.append("pass_phrase=\(passPhrase)")
        }
        lines += [
            "",
            "[\(Self.sessionProfile)]",
            "fingerprint=\(sessionFingerprint)",
            "key_file=\(self.sessionKeyFile)",
            "tenancy=\(apiKey.tenancy)",
            "region=\(apiKey.region)",
            "security_token_file=\(self.sessionTokenFile)",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    private func path(_ relative: String) -> String {
        (self.directory as NSString).appendingPathComponent(relative)
    }
}
