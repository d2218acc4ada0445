import COpenSSL

/// An RSA public key, as a server registers it to check request signatures.
public struct PublicKey: Sendable {
    let key: EVPKey
    /// `BEGIN PUBLIC KEY` (SubjectPublicKeyInfo) PEM, as uploaded to the OCI console.
    public let pem: String
    public let fingerprint: String

    public init(pem: [UInt8]) throws(SigningError) {
        let loaded = MemoryBIO.reading(pem) { PEM_read_bio_PUBKEY($0, nil, nil, nil) }
        guard let loaded, let raw = loaded else {
            ERR_clear_error()
            throw SigningError(key: .notPublicKeyPEM, "The public key is not a PEM public key: expected a -----BEGIN PUBLIC KEY----- block such as `openssl rsa -pubout` writes.")
        }
        try self.init(key: EVPKey(raw), source: "The public key")
    }

    /// A DER SubjectPublicKeyInfo, as a PEM public key holds it (and OCI's federation requests send it, base64).
    public init(subjectPublicKeyInfoDER der: [UInt8]) throws(SigningError) {
        try self.init(subjectPublicKeyInfoDER: der, source: "The public key")
    }

    /// An RSA public key from its modulus and public exponent, unsigned big-endian: a JWK's `n` and `e`
    /// (base64url-decoded), as OCI session tokens carry the session key. Leading zero bytes are ignored.
    public init(modulus: [UInt8], exponent: [UInt8]) throws(SigningError) {
        let modulus = Array(modulus.drop { $0 == 0 })
        let exponent = Array(exponent.drop { $0 == 0 })
        let bits = modulus.first.map { (modulus.count - 1) * 8 + (8 - $0.leadingZeroBitCount) } ?? 0
        guard (2048...16384).contains(bits), (1...8).contains(exponent.count), let nLength = Int32(exactly: modulus.count),
              let eLength = Int32(exactly: exponent.count)
        else {
            throw SigningError(key: .unsupportedKeyType, "The RSA public key has a \(bits)-bit modulus and a \(exponent.count)-byte exponent: OCI keys are RSA keys of 2048 to 16384 bits with a small public exponent (usually 65537).")
        }
        _ = openSSLPrepared
        let raw = modulus.withUnsafeBufferPointer { n in
            exponent.withUnsafeBufferPointer { e in
                ofn_rsa_public_from_components(n.baseAddress, nLength, e.baseAddress, eLength)
            }
        }
        guard let raw else {
            ERR_clear_error()
            throw SigningError(key: .cryptoFailure, "OpenSSL could not make an RSA public key from the given modulus and exponent.")
        }
        try self.init(key: EVPKey(raw), source: "The RSA public key")
    }

    /// The modulus and public exponent, unsigned big-endian without leading zeros: a JWK's `n` and `e` before
    /// base64url encoding. Nil only when OpenSSL cannot read them.
    public var rsaComponents: (modulus: [UInt8], exponent: [UInt8])? {
        guard let modulus = Self.bigNumber("n", of: self.key), let exponent = Self.bigNumber("e", of: self.key) else { return nil }
        return (modulus, exponent)
    }

    /// The DER SubjectPublicKeyInfo.
    public var subjectPublicKeyInfoDER: [UInt8] {
        self.key.subjectPublicKeyInfoDER() ?? []
    }

    private static func bigNumber(_ name: String, of key: EVPKey) -> [UInt8]? {
        let length = ofn_pkey_bn_param(key.pointer, name, nil)
        guard length > 0 else {
            ERR_clear_error()
            return nil
        }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { ofn_pkey_bn_param(key.pointer, name, $0.baseAddress) }
        return written == length ? bytes : nil
    }

    init(subjectPublicKeyInfoDER der: [UInt8], source: String) throws(SigningError) {
        let decoded = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let decoded else {
            ERR_clear_error()
            throw SigningError(key: .cryptoFailure, "OpenSSL could not read the public part of \(source.lowercasedFirst).")
        }
        try self.init(key: EVPKey(decoded), source: source)
    }

    private init(key: EVPKey, source: String) throws(SigningError) {
        guard key.isRSA else {
            throw SigningError(key: .unsupportedKeyType, "\(source) is not an RSA key: OCI API keys are RSA keys of 2048 bits or more.")
        }
        guard let fingerprint = key.fingerprint(),
              let pem = MemoryBIO.writing({ PEM_write_bio_PUBKEY($0, key.pointer) })
        else {
            throw SigningError(key: .cryptoFailure, "OpenSSL could not encode \(source.lowercasedFirst).")
        }
        self.key = key
        self.fingerprint = fingerprint
        self.pem = String(decoding: pem, as: UTF8.self)
    }

    /// True when `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `data` by this key.
    public func verify(signature: [UInt8], data: [UInt8]) -> Bool {
        RSASignature.verify(signature, data: data, with: key)
    }

    /// Whether `pem` carries a public key block, to tell a user who gave the wrong half of a key pair.
    static func looksLikePEMPublicKey(_ pem: [UInt8]) -> Bool {
        let text = String(decoding: pem, as: UTF8.self)
        return text.contains("-----BEGIN PUBLIC KEY-----") || text.contains("-----BEGIN RSA PUBLIC KEY-----")
    }
}
