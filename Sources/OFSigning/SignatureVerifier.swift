/// Why a request's signature was refused. The description is safe to return in a 401
/// `NotAuthenticated` body: it names headers and keyIds, never key material or signature bytes.
public struct VerificationFailure: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        case missingAuthorization
        case malformedAuthorization
        case unsupportedVersion
        case unsupportedAlgorithm
        case unknownKey
        /// A session token (`ST$<token>`) that was not issued by the server, or is malformed.
        case invalidToken
        /// A session token past its expiry.
        case expiredToken
        case requiredHeaderNotSigned
        case signedHeaderMissing
        case invalidDate
        case clockSkew
        case bodyHashMismatch
        case contentLengthMismatch
        case badSignature
    }

    public let reason: Reason
    public let description: String

    /// `description` is sent back to the client: it must not hold tokens, keys or signatures.
    public init(_ reason: Reason, _ description: String) {
        self.reason = reason
        self.description = description
    }

    /// The keyId is not one the server knows.
    public static func unknownKey(_ keyId: String) -> VerificationFailure {
        VerificationFailure(.unknownKey, "The keyId \(SignatureVerifier.describe(keyId: keyId)) is not known: sign with the tenancy, user and key fingerprint of a registered API key, or with a session token the server issued.")
    }

    static func malformed(_ detail: String) -> VerificationFailure {
        VerificationFailure(.malformedAuthorization, "The Authorization header is malformed: \(detail). Sign the request as OCI's SDKs do (Signature version=\"1\",keyId=...,algorithm=\"rsa-sha256\",headers=...,signature=...).")
    }
}

/// The server side of OCI request signing, as the emulator uses it: checks one request against the
/// public key its keyId resolves to, following what OCI enforces (oci-facts 1.10).
public struct SignatureVerifier: Sendable {
    /// The public key that signs for a keyId, or why the keyId is refused (unknown key, a session token that
    /// is forged or expired ...). Called once per request, on any thread.
    public typealias KeyResolver = @Sendable (_ keyId: String) -> Result<PublicKey, VerificationFailure>

    let resolve: KeyResolver
    let maxSkewSeconds: Int
    let clock: @Sendable () -> Int

    /// Accepts the keys registered by keyId (`<tenancy>/<user>/<fingerprint>` for API keys).
    public init(keys: [String: PublicKey], maxSkewSeconds: Int = 300,
                clock: @escaping @Sendable () -> Int = currentEpochSeconds)
    {
        self.init(maxSkewSeconds: maxSkewSeconds, clock: clock) { keyId in
            keys[keyId].map { .success($0) } ?? .failure(.unknownKey(keyId))
        }
    }

    /// Accepts whatever `resolve` gives a key for: API keys, session tokens (`ST$<token>`), certificates.
    public init(maxSkewSeconds: Int = 300, clock: @escaping @Sendable () -> Int = currentEpochSeconds,
                resolve: @escaping KeyResolver)
    {
        self.resolve = resolve
        self.maxSkewSeconds = maxSkewSeconds
        self.clock = clock
    }

    /// A keyId as it may appear in a message: session tokens (`ST$...`) are credentials and are never repeated.
    public static func describe(keyId: String) -> String {
        keyId.hasPrefix("ST$") ? "ST$<session token>" : "\"\(keyId)\""
    }

    /// Checks a request as received: `target` is the raw request target (path and query as on the wire),
    /// `headers` in any case, repeated names joined with ", ". Returns the keyId that signed it.
    /// `requireHost` false accepts a signature that leaves `host` out, as OCI's federation endpoint does for
    /// the SDKs' certificate-signed token requests (which sign `date` and `(request-target)` only).
    public func verify(method: String, target: String, headers: [(String, String)], body: [UInt8], requireHost: Bool = true)
        -> Result<String, VerificationFailure>
    {
        self.verifyHeaders(method: method, target: target, headers: headers, requireHost: requireHost).flatMap { signed in
            signed.checkBody(body).map { signed.keyId }
        }
    }

    /// The first half of `verify`, before any byte of the body is read: the signature over the headers, the keyId
    /// and the date. A server answers a failure without reading (or asking with `100 Continue` for) the body, then
    /// checks the body of an accepted request against the signed `content-length` and `x-content-sha256` with
    /// ``SignedHeaders/checkBody(_:)``.
    public func verifyHeaders(method: String, target: String, headers: [(String, String)], requireHost: Bool = true)
        -> Result<SignedHeaders, VerificationFailure>
    {
        let headers = Self.combined(headers)
        guard let authorizationValue = headers["authorization"] else {
            return .failure(VerificationFailure(.missingAuthorization, "The request has no Authorization header: sign it with an API key (OCI HTTP signature version 1)."))
        }
        let authorization: AuthorizationHeader
        switch AuthorizationHeader.parse(authorizationValue) {
        case .success(let parsed): authorization = parsed
        case .failure(let failure): return .failure(failure)
        }
        let key: PublicKey
        switch resolve(authorization.keyId) {
        case .success(let resolved): key = resolved
        case .failure(let failure): return .failure(failure)
        }
        let dateHeader = SigningString.dateHeaderName(in: headers)
        let bodySigned = RequestSigner.signsBody(method: method, path: target)
        let generic = SigningString.genericHeaders(dateHeader: dateHeader).filter { requireHost || $0 != "host" }
        let required = generic + (bodySigned ? SigningString.bodyHeaders : [])
        if let unsigned = required.first(where: { !authorization.signedHeaders.contains($0) }) {
            return .failure(VerificationFailure(.requiredHeaderNotSigned, "The signature does not cover \"\(unsigned)\": OCI requires \(required.joined(separator: " ")) to be signed for this request."))
        }
        let requestTarget = SigningString.requestTarget(method: method, target: target)
        let signingString: String
        switch SigningString.build(signedHeaders: authorization.signedHeaders, requestTarget: requestTarget, headers: headers) {
        case .success(let built): signingString = built
        case .failure(let missing):
            return .failure(VerificationFailure(.signedHeaderMissing, "The header \"\(missing.name)\" is listed as signed but the request does not carry it."))
        }
        if let failure = checkDate(headers[dateHeader] ?? "", name: dateHeader) {
            return .failure(failure)
        }
        guard let signature = Base64.decode(authorization.signature),
              key.verify(signature: signature, data: Array(signingString.utf8))
        else {
            return .failure(VerificationFailure(.badSignature, "The signature does not match the request: it was changed after signing (path, query order, headers or body), or signed with a key other than the one registered for keyId \(Self.describe(keyId: authorization.keyId))."))
        }
        let signedLength = authorization.signedHeaders.contains("content-length") ? headers["content-length"] ?? "" : nil
        let signedDigest = authorization.signedHeaders.contains("x-content-sha256") ? headers["x-content-sha256"] ?? "" : nil
        return .success(SignedHeaders(keyId: authorization.keyId, contentLength: signedLength, contentSHA256: signedDigest))
    }

    private func checkDate(_ value: String, name: String) -> VerificationFailure? {
        guard let sent = HTTPDate.parse(value) else {
            return VerificationFailure(.invalidDate, "The \(name) header \"\(value)\" is not an HTTP date like \"Tue, 02 Jun 2026 10:20:30 GMT\".")
        }
        let (skew, overflow) = clock().subtractingReportingOverflow(sent)
        guard !overflow, skew.magnitude <= maxSkewSeconds.magnitude else {
            return VerificationFailure(.clockSkew, "The \(name) header \"\(value)\" is more than \(maxSkewSeconds) seconds away from the server's time: correct the client's clock.")
        }
        return nil
    }

    /// Lowercase names; repeated headers joined with ", " in order, as draft-cavage prescribes.
    private static func combined(_ headers: [(String, String)]) -> [String: String] {
        var result = [String: String]()
        for (name, value) in headers {
            let key = name.lowercased()
            result[key] = result[key].map { $0 + ", " + value } ?? value
        }
        return result
    }
}

/// A request whose signature over its headers is valid: who signed it, and what it promised about its body.
public struct SignedHeaders: Sendable, Equatable {
    public let keyId: String
    /// The `content-length` value, when it is among the signed headers.
    let contentLength: String?
    /// The `x-content-sha256` value, when it is among the signed headers.
    let contentSHA256: String?

    /// The body against the signed `content-length` and `x-content-sha256`, if they were signed.
    public func checkBody(_ body: [UInt8]) -> Result<Void, VerificationFailure> {
        if let contentLength, contentLength != String(body.count) {
            return .failure(VerificationFailure(.contentLengthMismatch, "The content-length header \"\(contentLength)\" does not match the \(body.count)-byte body."))
        }
        if let contentSHA256 {
            guard let digest = Digest.sha256(body), contentSHA256 == Base64.encode(digest) else {
                return .failure(VerificationFailure(.bodyHashMismatch, "The x-content-sha256 header does not match the body: the body changed after signing, or the hash is not base64(SHA-256(body))."))
            }
        }
        return .success(())
    }
}
