import COpenSSL
import Foundation
import OFSigning
import OFLocking

/// Everything an emulator knows about identities besides the API keys it trusts: the identity key its session
/// tokens are signed with, the resource principal it lends its functions, and the certificate authority and
/// instance certificate behind its instance metadata stand-in. With a state directory the keys and certificates
/// are kept in `<state>/identity/`, so tokens issued before a restart stay valid after it.
public final class EmulatorIdentity: Sendable {
    /// The instance whose metadata the emulator serves at `/opc/v2`.
    public static let instance = "ocid1.instance.oc1.iad.aaaaaaaaoraclefnemulatorinstance"
    /// The function OCID in the resource principal's claims (one identity for every function).
    public static let function = "ocid1.fnfunc.oc1.iad.aaaaaaaaoraclefnemulatorfunction"
    /// How long the intermediate and instance certificates are valid (renewed at a start within 30 days of the end).
    static let certificateLifetime = 365 * 86_400
    /// How long a user's session may be refreshed for (`sess_exp`), as OCI's 24-hour sessions.
    static let sessionLength = 86_400

    public let tenancy: String
    public let region: String
    /// Seconds the session tokens it issues live (user sessions, federation, refresh).
    public let tokenLifetime: Int
    public let issuer: TokenIssuer
    /// The identity every handler gets in its environment (OCI_RESOURCE_PRINCIPAL_*).
    public let resourcePrincipal: ResourcePrincipalSession

    private let directory: String?
    private let clock: @Sendable () -> Date
    private let instanceIdentity = Locked<InstanceIdentity?>(nil)

    /// Loads the identity key from `<stateDirectory>/identity/` (making it the first time), or makes one in memory
    /// without a state directory; then issues a fresh resource principal.
    init(options: EmulatorOptions) throws {
        self.tenancy = options.tenancy
        self.region = options.region
        self.tokenLifetime = max(1, options.tokenLifetime)
        self.clock = options.clock
        self.directory = options.stateDirectory.map { ($0 as NSString).appendingPathComponent("identity") }
        let issuerKey = try Self.key(named: "token_issuer_key.pem", in: self.directory)
        self.issuer = TokenIssuer(key: issuerKey, clock: options.clock)
        self.resourcePrincipal = try ResourcePrincipalSession.issue(
            by: self.issuer, tenancy: options.tenancy, region: options.region, lifetime: options.resourcePrincipalLifetime)
    }

    /// The key for a keyId: a trusted API key, or the session key of a token this emulator issued and that has
    /// not expired (`ST$<token>`).
    func resolver(trustedKeys: [String: PublicKey]) -> SignatureVerifier.KeyResolver {
        let issuer = self.issuer
        return { keyId in
            if let key = trustedKeys[keyId] { return .success(key) }
            if keyId.hasPrefix("ST$") {
                return issuer.check(String(keyId.dropFirst(3))).map(\.sessionKey)
            }
            return .failure(.unknownKey(keyId))
        }
    }

    /// Who signed with `keyId`, as OCI records it (a bucket's `createdBy`): the user of an API key, the subject of
    /// a session token.
    func principal(ofKeyId keyId: String) -> String {
        if keyId.hasPrefix("ST$") {
            return (try? self.issuer.check(String(keyId.dropFirst(3))).get())?.subject ?? ""
        }
        let parts = keyId.split(separator: "/")
        return parts.count == 3 ? String(parts[1]) : keyId
    }

    /// A session token for a person, as `oci session authenticate` gets one: `ptype` user, refreshable for 24 hours.
    public func issueUserSession(user: String, tenancy: String, sessionKey: PublicKey) throws -> String {
        let now = Int(self.clock().timeIntervalSince1970)
        let claims: [String: JSONValue] = [
            "sub": .string(user), "tenant": .string(tenancy), "ptype": .string("user"), "ttype": .string("login"),
            "pstype": .string("natv"), "aud": .string("oci"),
            "sess_exp": .number(Double(now + max(Self.sessionLength, self.tokenLifetime))),
        ]
        return try self.issuer.issue(claims: claims, sessionKey: sessionKey, lifetime: self.tokenLifetime)
    }

    /// A token for an instance whose certificate the federation endpoint accepted.
    func issueInstanceSession(certificate: IssuedCertificate, tenancy: String, sessionKey: PublicKey) throws -> String {
        let instance = Self.value(certificate.subjectValues(NID_organizationalUnitName), prefix: "opc-instance:")
            ?? certificate.subjectValues(NID_commonName).first ?? ""
        let compartment = Self.value(certificate.subjectValues(NID_organizationalUnitName), prefix: "opc-compartment:") ?? tenancy
        let claims: [String: JSONValue] = [
            "sub": .string(instance), "tenant": .string(tenancy), "ptype": .string("instance"), "ttype": .string("x509"),
            "aud": .string("oci"), "opc-certtype": .string("instance"), "opc-instance": .string(instance),
            "opc-compartment": .string(compartment), "opc-tenant": .string(tenancy),
        ]
        return try self.issuer.issue(claims: claims, sessionKey: sessionKey, lifetime: self.tokenLifetime)
    }

    /// A user session refreshed: the same claims and session key, a new expiry within the session's length.
    func refresh(_ session: SessionToken) throws(OCIError) -> String {
        guard session.principalType == "user" else {
            throw OCIError.notAuthenticated("only user session tokens are refreshed here; an instance principal gets a new token from the federation endpoint (/v1/x509), a resource principal from its platform.")
        }
        let now = Int(self.clock().timeIntervalSince1970)
        let sessionEnd = session.claims["sess_exp"]?.intValue ?? session.expiresAt
        guard now < sessionEnd else {
            throw OCIError.notAuthenticated("the session ended and cannot be refreshed; authenticate again (restart the emulator for a new [SESSION] token).")
        }
        var claims = session.claims
        for name in ["iss", "iat", "exp", "jti", "jwk"] { claims[name] = nil }
        do {
            return try self.issuer.issue(claims: claims, sessionKey: session.sessionKey, lifetime: min(self.tokenLifetime, sessionEnd - now))
        } catch {
            throw OCIError.internalError("The emulator could not sign the refreshed token.")
        }
    }

    /// The intermediate certificate, the instance certificate and its key, made on first use (and kept in the state
    /// directory).
    func instance() throws -> InstanceIdentity {
        try self.instanceIdentity.withLock { current in
            if let current { return current }
            let made = try InstanceIdentity.loadOrMake(directory: self.directory, tenancy: self.tenancy)
            current = made
            return made
        }
    }

    private static func value(_ values: [String], prefix: String) -> String? {
        values.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// A private key kept as `<directory>/<name>` (made there the first time), or a fresh one without a directory.
    static func key(named name: String, in directory: String?) throws -> PrivateKey {
        guard let directory else { return try PrivateKey.generate() }
        let path = (directory as NSString).appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: path) {
            return try PrivateKey(contentsOfFile: path, passPhrase: nil)
        }
        let key = try PrivateKey.generate()
        try PrivateFile.write(key.pkcs8PEM(), to: path)
        return key
    }
}

/// What the instance metadata stand-in serves under `/opc/v2/identity/`: an intermediate CA certificate and the
/// instance's certificate (issued by it, its subject naming the tenancy as OCI's instance certificates do) with
/// the instance's private key.
struct InstanceIdentity: Sendable {
    let intermediate: IssuedCertificate
    let leaf: IssuedCertificate
    let leafKeyPEM: String

    static let intermediateSubject: [(field: String, value: String)] = [
        ("C", "US"), ("O", "oraclefn emulator"), ("OU", "opc-certtype:intermediate"), ("CN", "oraclefn emulator Identity Intermediate"),
    ]

    static func loadOrMake(directory: String?, tenancy: String) throws -> InstanceIdentity {
        if let directory, let kept = Self.load(directory: directory, tenancy: tenancy) {
            return kept
        }
        let intermediateKey = try EmulatorIdentity.key(named: "intermediate_key.pem", in: directory)
        let leafKey = try PrivateKey.generate()
        guard let intermediateOpenSSL = OpenSSLKey(privatePEM: try intermediateKey.pkcs8PEM()),
              let leafPublic = OpenSSLKey(publicDER: leafKey.publicKey.subjectPublicKeyInfoDER),
              let intermediate = IssuedCertificate.issue(
                subject: Self.intermediateSubject, subjectKey: intermediateOpenSSL, issuer: nil, signer: intermediateOpenSSL,
                validFor: EmulatorIdentity.certificateLifetime,
                extensions: [(NID_basic_constraints, "critical,CA:TRUE"), (NID_key_usage, "critical,keyCertSign,cRLSign"),
                             (NID_subject_key_identifier, "hash")]),
              let leaf = IssuedCertificate.issue(
                subject: [("CN", EmulatorIdentity.instance), ("OU", "opc-certtype:instance"), ("OU", "opc-compartment:\(tenancy)"),
                          ("OU", "opc-instance:\(EmulatorIdentity.instance)"), ("OU", "opc-tenant:\(tenancy)")],
                subjectKey: leafPublic, issuer: intermediate, signer: intermediateOpenSSL, validFor: EmulatorIdentity.certificateLifetime,
                extensions: [(NID_basic_constraints, "critical,CA:FALSE"), (NID_key_usage, "critical,digitalSignature,keyEncipherment"),
                             (NID_ext_key_usage, "clientAuth"), (NID_subject_key_identifier, "hash"),
                             (NID_authority_key_identifier, "keyid:always")])
        else {
            throw EmulatorError(description: "OpenSSL could not make the emulator's instance certificates.")
        }
        let identity = InstanceIdentity(intermediate: intermediate, leaf: leaf, leafKeyPEM: try leafKey.pkcs8PEM())
        if let directory {
            try PrivateFile.write(identity.leafKeyPEM, to: (directory as NSString).appendingPathComponent("instance_key.pem"))
            try PrivateFile.write(leaf.pem, to: (directory as NSString).appendingPathComponent("instance.pem"))
            try PrivateFile.write(intermediate.pem, to: (directory as NSString).appendingPathComponent("intermediate.pem"))
        }
        return identity
    }

    /// The kept certificates, when they still fit together, name `tenancy` and have more than 30 days left.
    private static func load(directory: String, tenancy: String) -> InstanceIdentity? {
        func read(_ name: String) -> String? {
            try? String(contentsOfFile: (directory as NSString).appendingPathComponent(name), encoding: .utf8)
        }
        guard let intermediatePEM = read("intermediate.pem"), let leafPEM = read("instance.pem"), let keyPEM = read("instance_key.pem"),
              let intermediate = IssuedCertificate(pem: intermediatePEM), let leaf = IssuedCertificate(pem: leafPEM),
              let key = try? PrivateKey(pem: Array(keyPEM.utf8), passPhrase: nil),
              leaf.isIssued(by: intermediate), leaf.tenancy == tenancy,
              leaf.publicKey?.subjectPublicKeyInfoDER == key.publicKey.subjectPublicKeyInfoDER,
              leaf.isValid(at: Date().addingTimeInterval(30 * 86_400)), intermediate.isValid(at: Date().addingTimeInterval(30 * 86_400))
        else { return nil }
        return InstanceIdentity(intermediate: intermediate, leaf: leaf, leafKeyPEM: keyPEM)
    }
}

/// Files only their owner may read (keys, tokens), written whole: a reader sees the old or the new content.
enum PrivateFile {
    static func write(_ text: String, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = (directory as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).\(UUID().uuidString.prefix(8))")
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw EmulatorError(description: "Cannot write \(path): check that its folder is writable.")
        }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw EmulatorError(description: "Cannot write \(path): check that its folder is writable.")
        }
    }
}
