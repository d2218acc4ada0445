/// Signs OCI API requests (HTTP signature version 1, `rsa-sha256`) with one API key.
///
/// A value type with an injected clock: the same inputs and time give the same headers byte for byte.
/// Signing runs in stages named after the scheme: the headers to send, the canonical signing string,
/// the signature, the Authorization header.
public struct RequestSigner: Sendable {
    /// `<tenancy OCID>/<user OCID>/<key fingerprint>`.
    public let keyId: String
    let key: PrivateKey
    let clock: @Sendable () -> Int
    /// False only for the X.509 federation endpoint, which the oci SDKs sign without `host`.
    let signsHost: Bool

    public init(keyId: String, key: PrivateKey, clock: @escaping @Sendable () -> Int = currentEpochSeconds) {
        self.init(keyId: keyId, key: key, clock: clock, signsHost: true)
    }

    init(keyId: String, key: PrivateKey, clock: @escaping @Sendable () -> Int, signsHost: Bool) {
        self.keyId = keyId
        self.key = key
        self.clock = clock
        self.signsHost = signsHost
    }

    /// Every header to send, names lowercase: the caller's headers, plus `date` (unless `date` or `x-date`
    /// is given), `host`, and when the body is signed `content-length`, `content-type` (default
    /// `application/json`) and `x-content-sha256`; and `authorization`.
    ///
    /// `signBody` nil applies OCI's rule (``signsBody(method:path:)``); true or false forces it.
    /// The `(request-target)` is the path and query exactly as written in `url`.
    public func sign(method: String, url: String, headers: [String: String], body: [UInt8]?, signBody: Bool?)
        throws(SigningError) -> [String: String]
    {
        let input = try signingInput(method: method, url: url, headers: headers, body: body, signBody: signBody)
        let signature = Base64.encode(try key.sign(Array(input.signingString.utf8)))
        var signed = input.headers
        signed["authorization"] = AuthorizationHeader(signedHeaders: input.signedHeaders, keyId: keyId, signature: signature).rendered
        return signed
    }

    /// The keyId of an `Authorization: Signature ...` header, nil when the value is not such a header.
    /// Lets a 401 be traced back to the credentials that signed the request.
    public static func keyId(inAuthorization value: String) -> String? {
        if case .success(let header) = AuthorizationHeader.parse(value) { return header.keyId }
        return nil
    }

    /// Whether OCI expects the body headers signed: yes for POST, PUT and PATCH, except Object Storage
    /// PutObject and UploadPart, whose (possibly streamed) body is sent unsigned. `path` may carry a query.
    public static func signsBody(method: String, path: String) -> Bool {
        switch method.uppercased() {
        case "POST", "PATCH": return true
        case "PUT": return !ObjectStorageUpload.matches(path)
        default: return false
        }
    }

    /// Stages 1 and 2: the headers to send (before `authorization`) and the canonical signing string.
    struct SigningInput {
        var headers: [String: String]
        var signedHeaders: [String]
        var signingString: String
    }

    func signingInput(method: String, url: String, headers callerHeaders: [String: String], body: [UInt8]?,
                      signBody: Bool?) throws(SigningError) -> SigningInput
    {
        guard !method.isEmpty, method.utf8.allSatisfy(HeaderSyntax.isTokenByte) else {
            throw SigningError(request: "The HTTP method \"\(method)\" is not a method name: use GET, HEAD, POST, PUT, PATCH or DELETE.")
        }
        let url = try RequestURL(url)
        var headers = try HeaderSyntax.lowercased(callerHeaders)
        if headers["date"] == nil, headers["x-date"] == nil {
            headers["date"] = HTTPDate.format(clock())
        }
        if headers["host"] == nil {
            headers["host"] = url.host
        }
        var signedHeaders = SigningString.genericHeaders(dateHeader: SigningString.dateHeaderName(in: headers))
        if !signsHost { signedHeaders.removeAll { $0 == "host" } }
        if signBody ?? Self.signsBody(method: method, path: url.target) {
            let body = body ?? []
            guard let digest = Digest.sha256(body) else {
                throw SigningError(request: "OpenSSL could not compute the SHA-256 of the request body.")
            }
            try Self.setDerived("content-length", String(body.count), in: &headers)
            try Self.setDerived("x-content-sha256", Base64.encode(digest), in: &headers)
            if headers["content-type"] == nil {
                headers["content-type"] = "application/json"
            }
            signedHeaders += SigningString.bodyHeaders
        }
        let requestTarget = SigningString.requestTarget(method: method, target: url.target)
        switch SigningString.build(signedHeaders: signedHeaders, requestTarget: requestTarget, headers: headers) {
        case .success(let signingString):
            return SigningInput(headers: headers, signedHeaders: signedHeaders, signingString: signingString)
        case .failure(let missing):
            // Every signed header was set above; reaching this is a bug in this function, reported, not trapped.
            throw SigningError(request: "Internal error: the signed header \"\(missing.name)\" was not set.")
        }
    }

    /// Sets a header computed from the body, refusing a caller's value that disagrees with the body.
    private static func setDerived(_ name: String, _ value: String, in headers: inout [String: String])
        throws(SigningError)
    {
        if let given = headers[name], given != value {
            throw SigningError(request: "The \(name) header \"\(given)\" does not match the body (it should be \"\(value)\"): leave it out and the signer sets it.")
        }
        headers[name] = value
    }
}

/// Object Storage PutObject (`PUT /n/{ns}/b/{bucket}/o/{object}`) and UploadPart
/// (`PUT /n/{ns}/b/{bucket}/u/{object}?uploadId=...`), the requests whose body OCI does not sign.
enum ObjectStorageUpload {
    static func matches(_ pathAndQuery: String) -> Bool {
        let queryStart = pathAndQuery.firstIndex(of: "?")
        let path = pathAndQuery[..<(queryStart ?? pathAndQuery.endIndex)]
        let query = queryStart.map { pathAndQuery[pathAndQuery.index(after: $0)...] } ?? ""
        // Object names may hold literal slashes, so everything after the fifth segment is the name.
        let segments = path.split(separator: "/", maxSplits: 5, omittingEmptySubsequences: false)
        guard segments.count == 6, segments[0].isEmpty, segments[1] == "n", !segments[2].isEmpty,
              segments[3] == "b", !segments[4].isEmpty
        else { return false }
        let kindAndName = segments[5].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard kindAndName.count == 2, !kindAndName[1].isEmpty else { return false }
        switch kindAndName[0] {
        case "o": return true
        case "u": return query.split(separator: "&").contains { $0.hasPrefix("uploadId=") }
        default: return false
        }
    }
}

/// The header syntax rules the signer enforces, so that no header can break the signing string.
enum HeaderSyntax {
    /// RFC 7230 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// The caller's headers with lowercase names; refuses names that are not tokens, values with line
    /// breaks, and two names that differ only in case.
    static func lowercased(_ headers: [String: String]) throws(SigningError) -> [String: String] {
        var result = [String: String]()
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else {
                throw SigningError(request: "The header name \"\(name)\" is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only).")
            }
            let lowercaseName = name.lowercased()
            guard !value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else {
                throw SigningError(request: "The value of header \"\(lowercaseName)\" contains a line break or NUL: header values must be one line.")
            }
            guard result.updateValue(value, forKey: lowercaseName) == nil else {
                throw SigningError(request: "The header \"\(lowercaseName)\" is given twice (names are case-insensitive): give it once.")
            }
        }
        return result
    }
}
