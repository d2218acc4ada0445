import COpenSSL

/// An X.509 certificate as instance principals need it: its DER bytes, fingerprint, subject and public
/// key. Read once through OpenSSL and kept as plain values, so it is cheap to share between threads.
public struct Certificate: Sendable {
    public struct Attribute: Sendable, Equatable {
        /// OpenSSL's short name of the attribute type: "CN", "O", "OU", ...
        public let name: String
        public let value: String
    }

    public let der: [UInt8]
    /// The subject's attributes in certificate order.
    public let subject: [Attribute]
    public let publicKey: PublicKey
    private let sha256: [UInt8]

    /// The first certificate of a PEM text (`-----BEGIN CERTIFICATE-----`); nil when there is none.
    public init?(pem: [UInt8]) {
        guard let first = Self.all(pem: pem).first else { return nil }
        self = first
    }

    /// Every certificate of a PEM text, in order; empty when it holds none.
    public static func all(pem: [UInt8]) -> [Certificate] {
        let parsed = MemoryBIO.reading(pem) { bio -> [Certificate] in
            var certificates = [Certificate]()
            while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) {
                defer { X509_free(x509) }
                guard let certificate = Certificate(x509: x509) else { break }
                certificates.append(certificate)
            }
            return certificates
        }
        // Reading stops at the end of the text with a "no start line" error on the queue: not ours to keep.
        ERR_clear_error()
        return parsed ?? []
    }

    /// SHA-256 of the DER bytes as colon-separated hex pairs: lowercase as the oci Go SDK sends it in
    /// `<tenancy>/fed-x509-sha256/<fingerprint>`, uppercase as `openssl x509 -fingerprint` prints it.
    public func sha256Fingerprint(uppercase: Bool = false) -> String {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var text = [UInt8]()
        for (index, byte) in sha256.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ":")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The tenancy OCID an OCI instance certificate names: the value after `opc-tenant:` (or
    /// `opc-identity:`) in the first subject attribute that has one, as the oci SDK reads it.
    public var tenancy: String? {
        for attribute in subject {
            for prefix in ["opc-tenant:", "opc-identity:"] where attribute.value.hasPrefix(prefix) {
                return String(attribute.value.dropFirst(prefix.count))
            }
        }
        return nil
    }

    /// The DER as standard base64, which is the PEM body without its armour and line breaks: the form the
    /// federation endpoint takes certificates and keys in.
    public var base64DER: String { Base64.encode(der) }

    private init?(x509: OpaquePointer) {
        let length = i2d_X509(x509, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_X509(x509, &cursor)
        }
        guard written == length, let sha256 = Digest.sha256(der), let rawKey = X509_get_pubkey(x509) else { return nil }
        let key = EVPKey(rawKey)
        guard let spki = key.subjectPublicKeyInfoDER(),
              let publicKey = try? PublicKey(subjectPublicKeyInfoDER: spki, source: "The certificate's public key")
        else { return nil }
        self.der = der
        self.sha256 = sha256
        self.publicKey = publicKey
        self.subject = Self.attributes(of: X509_get_subject_name(x509))
    }

    private static func attributes(of name: OpaquePointer?) -> [Attribute] {
        guard let name else { return [] }
        var attributes = [Attribute]()
        for index in 0..<max(0, X509_NAME_entry_count(name)) {
            guard let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry) else { continue }
            let nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry))
            let type = OBJ_nid2sn(nid).map { String(cString: $0) } ?? "nid\(nid)"
            var utf8: UnsafeMutablePointer<UInt8>?
            let count = ASN1_STRING_to_UTF8(&utf8, data)
            guard count >= 0, let utf8 else {
                ERR_clear_error()
                continue
            }
            defer { ofn_openssl_free(utf8) }
            let value = String(decoding: UnsafeBufferPointer(start: utf8, count: Int(count)), as: UTF8.self)
            attributes.append(Attribute(name: type, value: value))
        }
        return attributes
    }
}
