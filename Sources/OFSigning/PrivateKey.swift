import COpenSSL

/// An RSA private key for OCI API signing. Loads every PEM form the OCI SDKs accept: PKCS#1
/// (`BEGIN RSA PRIVATE KEY`, optionally `Proc-Type: 4,ENCRYPTED`) and PKCS#8 (`BEGIN PRIVATE KEY`,
/// `BEGIN ENCRYPTED PRIVATE KEY`). Safe to share between threads.
public struct PrivateKey: Sendable {
    let key: EVPKey
    /// MD5 of the DER SubjectPublicKeyInfo, `aa:bb:...`, as the OCI console shows it.
    public let fingerprint: String
    public let publicKey: PublicKey

    /// A pass phrase given for an unencrypted key is ignored, as the OCI SDKs do; an empty one counts as none.
    public init(pem: [UInt8], passPhrase: String?) throws(SigningError) {
        try self.init(pem: pem, passPhrase: passPhrase, source: "The private key")
    }

    public init(contentsOfFile path: String, passPhrase: String?) throws(SigningError) {
        let pem = try KeyFile.read(path)
        try self.init(pem: pem, passPhrase: passPhrase, source: "The key file \"\(path)\"")
    }

    /// A fresh RSA key, for the emulator and tests to register and sign with.
    public static func generate(bits: Int = 2048) throws(SigningError) -> PrivateKey {
        guard (2048...16384).contains(bits), let openSSLBits = UInt32(exactly: bits) else {
            throw SigningError(request: "Cannot generate a \(bits)-bit RSA key: OCI API keys are 2048 to 16384 bits.")
        }
        _ = openSSLPrepared
        guard let raw = ofn_rsa_generate(openSSLBits) else {
            ERR_clear_error()
            throw SigningError(key: .cryptoFailure, "OpenSSL could not generate a \(bits)-bit RSA key.")
        }
        return try PrivateKey(key: EVPKey(raw), source: "The generated key")
    }

    /// The key as an unencrypted PKCS#8 PEM (`BEGIN PRIVATE KEY`), to write a generated key to a file.
    public func pkcs8PEM() throws(SigningError) -> String {
        guard let pem = MemoryBIO.writing({ PEM_write_bio_PrivateKey($0, key.pointer, nil, nil, 0, nil, nil) }) else {
            throw SigningError(key: .cryptoFailure, "OpenSSL could not write the private key as PEM.")
        }
        return String(decoding: pem, as: UTF8.self)
    }

    /// RSASSA-PKCS1-v1_5 over SHA-256 of `data` (OCI's `rsa-sha256`).
    public func sign(_ data: [UInt8]) throws(SigningError) -> [UInt8] {
        guard let signature = RSASignature.sign(data, with: key) else {
            throw SigningError(key: .cryptoFailure, "OpenSSL could not sign with the private key (fingerprint \(fingerprint)).")
        }
        return signature
    }

    init(pem: [UInt8], passPhrase: String?, source: String) throws(SigningError) {
        guard pem.contains(where: { !Self.isWhitespace($0) }) else {
            throw SigningError(key: .empty, "\(source) is empty: it must hold a PEM private key such as the one `oci setup keys` writes (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).")
        }
        let request = PassPhraseRequest(passPhrase: passPhrase.flatMap { $0.isEmpty ? nil : Array($0.utf8) })
        let loaded = withExtendedLifetime(request) {
            MemoryBIO.reading(pem) { bio in
                // Always pass a callback: without one OpenSSL would prompt on the terminal for a pass phrase.
                PEM_read_bio_PrivateKey(bio, nil, supplyPassPhrase, Unmanaged.passUnretained(request).toOpaque())
            }
        }
        guard let loaded, let raw = loaded else {
            ERR_clear_error()
            throw Self.loadFailure(pem: pem, request: request, source: source)
        }
        try self.init(key: EVPKey(raw), source: source)
    }

    private init(key: EVPKey, source: String) throws(SigningError) {
        guard key.isRSA else {
            throw SigningError(key: .unsupportedKeyType, "\(source) is not an RSA key: OCI API keys are RSA keys of 2048 bits or more (`openssl genrsa -out oci_api_key.pem 2048`).")
        }
        guard let fingerprint = key.fingerprint(), let der = key.subjectPublicKeyInfoDER() else {
            throw SigningError(key: .cryptoFailure, "OpenSSL could not derive the public key of \(source.lowercasedFirst).")
        }
        self.key = key
        self.fingerprint = fingerprint
        self.publicKey = try PublicKey(subjectPublicKeyInfoDER: der, source: source)
    }

    private static func loadFailure(pem: [UInt8], request: PassPhraseRequest, source: String) -> SigningError {
        if request.wasAsked {
            return request.passPhrase == nil
                ? SigningError(key: .passPhraseMissing, "\(source) is encrypted and no pass phrase was given: set pass_phrase to the pass phrase the key was created with.")
                : SigningError(key: .passPhraseWrong, "\(source) could not be decrypted with the given pass phrase: check pass_phrase (it must be the one the key was encrypted with).")
        }
        if PublicKey.looksLikePEMPublicKey(pem) {
            return SigningError(key: .publicKeyGiven, "\(source) holds a public key, but signing needs the private key: use the private key file (e.g. ~/.oci/oci_api_key.pem, not oci_api_key_public.pem).")
        }
        return SigningError(key: .notPrivateKeyPEM, "\(source) is not a PEM private key: expected a -----BEGIN PRIVATE KEY-----, -----BEGIN RSA PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY----- block.")
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }
}

/// Carries the pass phrase into OpenSSL's callback and records whether OpenSSL asked for one,
/// which is how an encrypted key is told apart from a malformed one.
private final class PassPhraseRequest {
    let passPhrase: [UInt8]?
    var wasAsked = false

    init(passPhrase: [UInt8]?) {
        self.passPhrase = passPhrase
    }
}

/// OpenSSL `pem_password_cb`: copies the pass phrase into `buffer`, or returns -1 to refuse.
private func supplyPassPhrase(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int32, _ rwflag: Int32,
                              _ userData: UnsafeMutableRawPointer?) -> Int32 {
    guard let userData else { return -1 }
    let request = Unmanaged<PassPhraseRequest>.fromOpaque(userData).takeUnretainedValue()
    request.wasAsked = true
    guard let buffer, let passPhrase = request.passPhrase, let length = Int32(exactly: passPhrase.count),
          length <= size
    else { return -1 }
    for (index, byte) in passPhrase.enumerated() {
        buffer[index] = CChar(bitPattern: byte)
    }
    return length
}

extension String {
    var lowercasedFirst: String {
        guard let first else { return self }
        return first.lowercased() + dropFirst()
    }
}
