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
