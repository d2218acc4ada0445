import COpenSSL
import Foundation
import Hummingbird
import NIOCore
import OFSigning

/// The identity endpoints: the instance metadata stand-in (`/opc/v2/...`, IMDSv2's `Authorization: Bearer
/// Oracle` instead of a signature), X.509 federation (`POST /v1/x509`, signed with the instance certificate's
/// key) and session refresh (`POST /v1/authentication/refresh`, signed with the session token itself).
struct IdentityRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    static let metadataPrefix = "/opc/v2/"
    static let federationPath = "/v1/x509"
    /// The largest federation request read (a certificate chain and a public key fit in a few KB).
    static let maxFederationBodyBytes = 256 * 1024

    let identity: EmulatorIdentity
    let maxClockSkewSeconds: Int
    let clock: @Sendable () -> Date

    /// The paths that carry no OCI signature: `SignatureMiddleware` lets them through to these routes, which
    /// check what OCI checks there.
    static func isUnsigned(path: String) -> Bool {
        path.hasPrefix(Self.metadataPrefix) || path == Self.federationPath
    }

    func register(on router: Router<Context>) {
        let metadata = router.group("opc/v2")
        metadata.get("instance/region") { request, _ in
            try Self.requireMetadataHeader(request)
            return Self.text(Self.shortRegionNames[self.identity.region] ?? self.identity.region)
        }
        metadata.get("instance/canonicalRegionName") { request, _ in
            try Self.requireMetadataHeader(request)
            return Self.text(self.identity.region)
        }
        metadata.get("identity/cert.pem") { request, _ in
            try Self.requireMetadataHeader(request)
            return Self.text(try self.instance().leaf.pem)
        }
        metadata.get("identity/key.pem") { request, _ in
            try Self.requireMetadataHeader(request)
            return Self.text(try self.instance().leafKeyPEM)
        }
        metadata.get("identity/intermediate.pem") { request, _ in
            try Self.requireMetadataHeader(request)
            return Self.text(try self.instance().intermediate.pem)
        }
        router.post("v1/x509") { request, _ in try await self.federate(request) }
        router.post("v1/authentication/refresh") { request, context in try await self.refresh(request, context) }
    }

    /// The three-letter names IMDS answers `instance/region` with for the oldest regions (the SDKs map them back).
    static let shortRegionNames = ["us-ashburn-1": "iad", "us-phoenix-1": "phx", "eu-frankfurt-1": "fra", "uk-london-1": "lhr"]

    /// IMDSv2 answers 401 to a request without `Authorization: Bearer Oracle`.
    static func requireMetadataHeader(_ request: Request) throws {
        guard request.headers[.authorization] == "Bearer Oracle" else {
            throw OCIError(status: .unauthorized, code: "NotAuthenticated", message: "The instance metadata service (v2) answers only requests with the header Authorization: Bearer Oracle.")
        }
    }

    private func instance() throws -> InstanceIdentity {
        do {
            return try self.identity.instance()
        } catch {
            throw OCIError.internalError("The emulator could not make its instance certificates: \(error)")
        }
    }

    private static func text(_ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    // MARK: Federation

    /// What the oci SDKs' X509FederationClient sends: base64 DER certificates without PEM armour, and the session
    /// public key as base64 DER SubjectPublicKeyInfo.
    struct FederationRequest: Decodable {
        var certificate: String
        var publicKey: String
        var intermediateCertificates: [String]?
        var purpose: String?
        var fingerprintAlgorithm: String?
    }

    private func federate(_ request: Request) async throws -> Response {
        var request = request
        let body: [UInt8]
        do {
            body = Array(try await request.collectBody(upTo: Self.maxFederationBodyBytes).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw OCIError(status: .contentTooLarge, code: "RequestEntityTooLarge", message: "A federation request is at most \(Self.maxFederationBodyBytes) bytes.")
        }
        let details: FederationRequest
        do {
            details = try JSONDecoder().decode(FederationRequest.self, from: Data(body))
        } catch {
            throw OCIError.cannotParseRequest("The federation request must be a JSON object with certificate and publicKey (base64 DER), as the oci SDKs' X509FederationClient sends it.")
        }
        let instance = try self.instance()
        guard let der = Self.base64DER(details.certificate), let certificate = IssuedCertificate(der: der) else {
            throw OCIError.notAuthenticated("the certificate is not a base64 DER X.509 certificate.")
        }
        guard certificate.isIssued(by: instance.intermediate) else {
            throw OCIError.notAuthenticated("the certificate was not issued by this emulator's intermediate certificate authority (GET /opc/v2/identity/intermediate.pem).")
        }
        guard certificate.isValid(at: Date()) else {
            throw OCIError.notAuthenticated("the certificate is outside its validity period; fetch the current one from /opc/v2/identity/cert.pem.")
        }
        guard let tenancy = certificate.tenancy, let certificateKey = certificate.publicKey else {
            throw OCIError.notAuthenticated("the certificate's subject names no tenancy (opc-tenant: or opc-identity:).")
        }
        let verifier = SignatureVerifier(maxSkewSeconds: self.maxClockSkewSeconds, clock: { [clock] in Int(clock().timeIntervalSince1970) }) { keyId in
            Self.certificateKey(keyId: keyId, certificate: certificate, tenancy: tenancy, key: certificateKey)
        }
        let verified = verifier.verify(
            method: request.method.rawValue, target: request.head.path ?? Self.federationPath, headers: SignatureMiddleware.headers(of: request),
            body: body, requireHost: false)
        if case .failure(let failure) = verified {
            throw OCIError.notAuthenticated(failure.description)
        }
        guard let keyDER = Self.base64DER(details.publicKey), let sessionKey = try? PublicKey(subjectPublicKeyInfoDER: keyDER) else {
            throw OCIError.invalidParameter("publicKey must be an RSA public key of 2048 bits or more, as base64 DER SubjectPublicKeyInfo (a PEM public key without its BEGIN and END lines).")
        }
        let token: String
        do {
            token = try self.identity.issueInstanceSession(certificate: certificate, tenancy: tenancy, sessionKey: sessionKey)
        } catch {
            throw OCIError.internalError("The emulator could not sign the session token.")
        }
        return try Responses.json(["token": token])
    }

    /// The certificate's key, when `keyId` is `<tenancy>/fed-x509/<SHA-1 fingerprint>` or
    /// `<tenancy>/fed-x509-sha256/<SHA-256 fingerprint>` of that certificate.
    static func certificateKey(keyId: String, certificate: IssuedCertificate, tenancy: String, key: PublicKey) -> Result<PublicKey, VerificationFailure> {
        let parts = keyId.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1] == "fed-x509" || parts[1] == "fed-x509-sha256" else {
            return .failure(VerificationFailure(.unknownKey, "A federation request is signed with keyId <tenancy>/fed-x509/<SHA-1 fingerprint> or <tenancy>/fed-x509-sha256/<SHA-256 fingerprint> of its certificate, not \(SignatureVerifier.describe(keyId: keyId))."))
        }
        guard parts[0] == tenancy else {
            return .failure(VerificationFailure(.unknownKey, "The keyId names tenancy \(parts[0]), but the certificate is for \(tenancy)."))
        }
        let fingerprint = certificate.fingerprint(parts[1] == "fed-x509" ? .sha1 : .sha256)
        guard parts[2].uppercased() == fingerprint else {
            return .failure(VerificationFailure(.unknownKey, "The keyId's fingerprint \(parts[2]) is not the certificate's (\(fingerprint))."))
        }
        return .success(key)
    }

    /// Base64 as the SDKs send certificates and keys: PEM armour and line breaks already stripped (tolerated here).
    static func base64DER(_ text: String) -> [UInt8]? {
        let stripped = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined().filter { !$0.isWhitespace }
        return Data(base64Encoded: String(stripped)).map { [UInt8]($0) }
    }

    // MARK: Refresh

    struct RefreshRequest: Decodable {
        var currentToken: String
    }

    /// `oci session refresh`: signed with the session token being refreshed, it names that token in the body.
    private func refresh(_ request: Request, _ context: Context) async throws -> Response {
        guard context.keyId.hasPrefix("ST$") else {
            throw OCIError.notAuthenticated("sign the refresh request with the session token being refreshed (keyId ST$<token>) and its session key.")
        }
        let details = try await request.decodeJSON(RefreshRequest.self)
        guard details.currentToken == context.keyId.dropFirst(3) else {
            throw OCIError.notAuthenticated("currentToken is not the session token the request is signed with.")
        }
        let session: SessionToken
        switch self.identity.issuer.check(details.currentToken) {
        case .success(let checked): session = checked
        case .failure(let failure): throw OCIError.notAuthenticated(failure.description)
        }
        return try Responses.json(["token": try self.identity.refresh(session)])
    }
}
