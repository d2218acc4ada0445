import FoundationEssentials
import Glibc
import OFConfig
import OFLocking

/// An OCI compute instance's identity, as the oci SDK's InstancePrincipalsSecurityTokenSigner gets it:
///
/// 1. From the instance metadata service (header `Authorization: Bearer Oracle`): the instance's leaf
///    certificate and key (`identity/cert.pem`, `identity/key.pem`), the intermediate certificate
///    (`identity/intermediate.pem`) and, unless an auth endpoint is given, the region (`instance/region`).
/// 2. The tenancy from the leaf certificate's subject (`opc-tenant:<ocid>`).
/// 3. A fresh in-memory RSA session key, whose public half is sent with the certificates to the X.509
///    federation endpoint (`POST <auth>/v1/x509`), signed with the leaf key as
///    `<tenancy>/fed-x509-sha256/<SHA-256 fingerprint of the leaf>` over `date (request-target)` and the
///    body headers (no `host`, as every oci SDK signs this one request).
/// 4. The answer's token signs everything else with the session key: keyId `ST$<token>`.
///
/// Nothing is fetched until the first `signer()`. The token is fetched again 60 s before it expires (the
/// SDK's window) and after `invalidate`; one refresh runs at a time, and while it runs other threads keep
/// signing with the token in use when it is still valid.
public final class InstancePrincipalProvider: CredentialProvider {
    public let mode = AuthMode.instancePrincipal
    public static let defaultMetadataBaseURL = "http://169.254.169.254/opc/v2"
    /// Points the provider at another metadata service, as it does the oci SDK.
    public static let metadataBaseURLVariable = "OCI_METADATA_BASE_URL"
    /// How long before its expiry a token is replaced: the SDK's 60 s.
    static let refreshWindow = 60
    /// After a failed refresh, wait this long before trying again: keep signing with the token in use
    /// while it works, else give every caller the same error, rather than have each one of many
    /// concurrent requests wait for its own round of fetches.
    static let retryDelay = 5

    public let metadataBaseURL: String
    private let authEndpoint: String?
    private let fetch: CredentialFetch
    private let clock: @Sendable () -> Int
    private let state = Locked(State())
    /// Held for the whole of a refresh, so that only one runs at a time.
    private let refreshLock = Locked(())

    private struct Session {
        let expiry: Int
        let signer: RequestSigner
    }

    private struct State {
        var session: Session?
        var refreshing = false
        var retryAfter = 0
        /// The last refresh's error, given again until `retryAfter` when there is no token to fall back on.
        var failure: CredentialError?
        var tenancy: String?
        var region: String?

        /// The session to sign with now without refreshing: one outside the refresh window, or one still
        /// valid while a refresh has just failed.
        func fresh(now: Int) -> RequestSigner? {
            guard let session, now < session.expiry else { return nil }
            return now < session.expiry - InstancePrincipalProvider.refreshWindow || now < retryAfter ? session.signer : nil
        }

        /// Also a valid session while another thread refreshes it.
        func usable(now: Int) -> RequestSigner? {
            if let signer = fresh(now: now) { return signer }
            guard refreshing, let session, now < session.expiry else { return nil }
            return session.signer
        }

        /// What to answer without refreshing, if anything: a signer, or a refresh's recent failure.
        func answer(now: Int, whileRefreshing: Bool) -> Result<RequestSigner, CredentialError>? {
            if let signer = whileRefreshing ? usable(now: now) : fresh(now: now) { return .success(signer) }
            if let failure, now < retryAfter { return .failure(failure) }
            return nil
        }
    }

    /// `metadataBaseURL` defaults to `OCI_METADATA_BASE_URL` when set, else the IPv4 metadata service;
    /// `authEndpoint` (scheme and host, e.g. `https://auth.us-ashburn-1.oraclecloud.com`) defaults to the
    /// one of the instance's region.
    public init(metadataBaseURL: String = InstancePrincipalProvider.metadataBaseURL(),
                authEndpoint: String? = nil, fetch: @escaping CredentialFetch,
                clock: @escaping @Sendable () -> Int = currentEpochSeconds)
    {
        self.metadataBaseURL = Self.withoutTrailingSlash(metadataBaseURL)
        self.authEndpoint = authEndpoint.map(Self.withoutTrailingSlash)
        self.fetch = fetch
        self.clock = clock
    }

    /// The SDK's rule: `OCI_METADATA_BASE_URL` trimmed, unless unset or blank.
    public static func metadataBaseURL(environment: [String: String]) -> String {
        let override = environment[metadataBaseURLVariable]?.trimmingWhitespace ?? ""
        return override.isEmpty ? defaultMetadataBaseURL : override
    }

    /// ``metadataBaseURL(environment:)`` of this process's environment.
    public static func metadataBaseURL() -> String {
        let value = getenv(metadataBaseURLVariable).map { String(cString: $0) }
        return metadataBaseURL(environment: value.map { [metadataBaseURLVariable: $0] } ?? [:])
    }

    public func signer() throws(CredentialError) -> RequestSigner {
        if let answer = state.withLock({ $0.answer(now: clock(), whileRefreshing: true) }) { return try answer.get() }
        return try refreshLock.withLock { (_: inout Void) throws(CredentialError) -> RequestSigner in
            let now = clock()
            // Another thread may have refreshed, or failed to, while this one waited for the lock.
            if let answer = state.withLock({ $0.answer(now: now, whileRefreshing: false) }) { return try answer.get() }
            state.withLock { $0.refreshing = true }
            defer { state.withLock { $0.refreshing = false } }
            do throws(CredentialError) {
                let session = try federate()
                state.withLock {
                    $0.session = session
                    $0.retryAfter = 0
                    $0.failure = nil
                }
                return session.signer
            } catch {
                let kept = state.withLock { state -> RequestSigner? in
                    state.retryAfter = now + Self.retryDelay
                    state.failure = error
                    guard let session = state.session, now < session.expiry else { return nil }
                    return session.signer
                }
                if let kept { return kept }
                throw error
            }
        }
    }

    /// Drops the token that was answered 401, so the next `signer()` federates again. True for any
    /// session token: if another thread already replaced it, the new one may work.
    public func invalidate(keyId: String) -> Bool {
        guard keyId.hasPrefix("ST$") else { return false }
        state.withLock { state in
            if state.session?.signer.keyId == keyId {
                state.session = nil
                state.retryAfter = 0
            }
        }
        return true
    }

    public func expiry() -> Int? {
        state.withLock { $0.session?.expiry }
    }

    /// The tenancy named by the instance's certificate; federates first when that has not happened yet.
    public func tenancy() throws(CredentialError) -> String {
        if let tenancy = state.withLock({ $0.tenancy }) { return tenancy }
        _ = try signer()
        guard let tenancy = state.withLock({ $0.tenancy }) else {
            throw CredentialError(.service, "Internal error: federation succeeded without recording the tenancy.")
        }
        return tenancy
    }

    /// The instance's region (`us-ashburn-1`), from the metadata service once.
    public func region() throws(CredentialError) -> String {
        if let region = state.withLock({ $0.region }) { return region }
        let raw = try metadata("instance/region")
        var region = Self.trimmed(raw).lowercased()
        // Older regions answer with their three-letter key ("iad"); the canonical name has the realm's form.
        if !region.contains("-") {
            region = Self.trimmed(try metadata("instance/canonicalRegionName")).lowercased()
        }
        guard !region.isEmpty, region.utf8.allSatisfy({ Self.isRegionByte($0) }) else {
            throw CredentialError(
                .service,
                "The metadata service at \(metadataBaseURL) gave a region that is not a region name: \(Self.metadataHint) Or give the auth endpoint explicitly.")
        }
        state.withLock { $0.region = region }
        return region
    }

    // MARK: - Federation

    private func federate() throws(CredentialError) -> Session {
        let certificateURL = metadataBaseURL + "/identity/cert.pem"
        let keyURL = metadataBaseURL + "/identity/key.pem"
        let intermediateURL = metadataBaseURL + "/identity/intermediate.pem"
        let leafPEM = try metadata("identity/cert.pem")
        let leafKeyPEM = try metadata("identity/key.pem")
        let intermediatePEM = try metadata("identity/intermediate.pem")

        guard let leaf = Certificate(pem: leafPEM) else {
            throw CredentialError(.service, "\(certificateURL) did not give a PEM certificate. \(Self.metadataHint)")
        }
        guard let tenancy = leaf.tenancy, !tenancy.isEmpty else {
            throw CredentialError(.service, "The instance certificate from \(certificateURL) names no tenancy (no opc-tenant: attribute in its subject): it is not an OCI instance certificate. \(Self.metadataHint)")
        }
        if let known = state.withLock({ $0.tenancy }), known != tenancy {
            throw CredentialError(.service, "The instance certificate from \(certificateURL) now names tenancy \(tenancy), not \(known) as before: the instance's identity cannot change tenancy; start again with new credentials.")
        }
        let leafKey: PrivateKey
        do {
            leafKey = try PrivateKey(pem: leafKeyPEM, passPhrase: nil, source: "The instance key")
        } catch {
            throw CredentialError(.service, "\(keyURL) did not give an RSA private key in PEM form. \(Self.metadataHint)")
        }
        let leafPublic = leaf.publicKey.subjectPublicKeyInfoDER
        guard !leafPublic.isEmpty, leafPublic == leafKey.publicKey.subjectPublicKeyInfoDER else {
            throw CredentialError(.service, "The key from \(keyURL) does not belong to the certificate from \(certificateURL): the instance's certificate was probably renewed between the two reads; try again.")
        }
        let intermediates = Certificate.all(pem: intermediatePEM)
        guard !intermediates.isEmpty else {
            throw CredentialError(.service, "\(intermediateURL) did not give a PEM certificate. \(Self.metadataHint)")
        }

        let endpoint = try federationURL()
        let sessionKey: PrivateKey
        do {
            sessionKey = try PrivateKey.generate(bits: 2048)
        } catch {
            throw CredentialError(.service, "Could not make a session key for instance principals: \(error.description)")
        }
        let sessionPublic = sessionKey.publicKey.subjectPublicKeyInfoDER
        guard !sessionPublic.isEmpty else {
            throw CredentialError(.service, "Could not encode the public half of the session key for instance principals.")
        }
        let body = Self.federationBody(leaf: leaf, sessionPublicKey: sessionPublic, intermediates: intermediates)
        let federationSigner = RequestSigner(
            keyId: "\(tenancy)/fed-x509-sha256/\(leaf.sha256Fingerprint())", key: leafKey, clock: clock, signsHost: false)
        let headers: [String: String]
        do {
            headers = try federationSigner.sign(
                method: "POST", url: endpoint, headers: ["content-type": "application/json"], body: body, signBody: true)
        } catch {
            throw CredentialError(.service, "Could not sign the request to the federation endpoint \(endpoint): \(error.description)")
        }
        let request = CredentialRequest(method: "POST", url: endpoint, headers: headers, body: body)
        let response = try send(request, hint: Self.federationHint)
        guard (200..<300).contains(response.status) else {
            throw CredentialError(.service, "POST \(endpoint) answered HTTP \(response.status)\(Self.serviceError(response.body)). \(Self.federationHint)")
        }
        guard let token = Self.token(in: response.body), let parsed = SessionTokenSource.parseToken(Array(token.utf8)) else {
            throw CredentialError(.service, "POST \(endpoint) answered HTTP \(response.status) without a session token (a JWT in the \"token\" field): check that the auth endpoint is OCI's.")
        }
        state.withLock { $0.tenancy = tenancy }
        return Session(
            expiry: parsed.expiry, signer: RequestSigner(keyId: "ST$" + parsed.token, key: sessionKey, clock: clock))
    }

    private func federationURL() throws(CredentialError) -> String {
        if let authEndpoint { return authEndpoint + "/v1/x509" }
        return "https://auth.\(try region()).oraclecloud.com/v1/x509"
    }

    /// GET `<metadata>/<path>`: the body of a 2xx answer.
    private func metadata(_ path: String) throws(CredentialError) -> [UInt8] {
        let url = metadataBaseURL + "/" + path
        let response = try send(CredentialRequest(method: "GET", url: url, headers: ["Authorization": "Bearer Oracle"]), hint: Self.metadataHint)
        guard (200..<300).contains(response.status) else {
            throw CredentialError(.service, "GET \(url) answered HTTP \(response.status). \(Self.metadataHint)")
        }
        return response.body
    }

    private func send(_ request: CredentialRequest, hint: String) throws(CredentialError) -> CredentialResponse {
        do {
            return try fetch(request)
        } catch {
            throw CredentialError(.service, "\(request.method) \(request.url) failed: \(error.description) \(hint)")
        }
    }

    static let metadataHint = "Instance principals work only on an OCI compute instance: check that this runs on one, and that OCI_METADATA_BASE_URL, when set, points at its metadata service."
    static let federationHint = "Check that the instance belongs to a dynamic group (a matching rule on its OCID or compartment), that the auth endpoint is the one of the instance's region, and that the instance's clock is right."

    /// The body the oci SDKs send, in the Python SDK's JSON layout.
    static func federationBody(leaf: Certificate, sessionPublicKey: [UInt8], intermediates: [Certificate]) -> [UInt8] {
        let chain = intermediates.map { "\"\($0.base64DER)\"" }.joined(separator: ", ")
        let json = "{\"certificate\": \"\(leaf.base64DER)\", \"publicKey\": \"\(Base64.encode(sessionPublicKey))\", "
            + "\"intermediateCertificates\": [\(chain)], \"fingerprintAlgorithm\": \"SHA256\"}"
        return Array(json.utf8)
    }

    private struct TokenAnswer: Decodable {
        let token: String
    }

    private struct ErrorAnswer: Decodable {
        let code: String?
        let message: String?
    }

    static func token(in body: [UInt8]) -> String? {
        (try? JSONDecoder().decode(TokenAnswer.self, from: Data(body)))?.token
    }

    /// ` (code: message)` of an OCI error answer, shortened; empty when the body is not one.
    static func serviceError(_ body: [UInt8]) -> String {
        guard let answer = try? JSONDecoder().decode(ErrorAnswer.self, from: Data(body)),
              answer.code != nil || answer.message != nil
        else { return "" }
        let text = [answer.code, answer.message].compactMap { $0 }.joined(separator: ": ")
        return " (" + (text.count > 300 ? String(text.prefix(300)) + "..." : text) + ")"
    }

    private static func trimmed(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).trimmingWhitespace
    }

    private static func isRegionByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-")
    }

    private static func withoutTrailingSlash(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
