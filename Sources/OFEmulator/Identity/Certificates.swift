import COpenSSL
import Foundation
import OFSigning

/// An X.509 certificate, owning one OpenSSL `X509`. Only read after it is made, so safe to share.
final class IssuedCertificate: @unchecked Sendable {
    enum FingerprintAlgorithm {
        case sha1, sha256
    }

    let pointer: OpaquePointer

    private init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        X509_free(self.pointer)
    }

    /// A `BEGIN CERTIFICATE` PEM block.
    convenience init?(pem: String) {
        let read = MemoryBIO.reading(Array(pem.utf8)) { PEM_read_bio_X509($0, nil, nil, nil) }
        guard let read, let pointer = read else {
            ERR_clear_error()
            return nil
        }
        self.init(owning: pointer)
    }

    /// DER bytes: what OCI's federation requests send, base64-encoded, as `certificate`.
    convenience init?(der: [UInt8]) {
        let decoded = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let decoded else {
            ERR_clear_error()
            return nil
        }
        self.init(owning: decoded)
    }

    var pem: String {
        MemoryBIO.writing { PEM_write_bio_X509($0, self.pointer) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The certificate's digest as the oci SDKs write it in a federation keyId: uppercase hex pairs joined by colons.
    func fingerprint(_ algorithm: FingerprintAlgorithm) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = digest.withUnsafeMutableBufferPointer { buffer in
            X509_digest(self.pointer, algorithm == .sha1 ? EVP_sha1() : EVP_sha256(), buffer.baseAddress, &length)
        }
        guard ok == 1 else {
            ERR_clear_error()
            return ""
        }
        return digest.prefix(Int(length)).map { String(format: "%02X", $0) }.joined(separator: ":")
    }

    /// The subject's public key.
    var publicKey: PublicKey? {
        guard let key = X509_get0_pubkey(self.pointer) else { return nil }
        let length = i2d_PUBKEY(key, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_PUBKEY(key, &cursor)
        }
        guard written == length else { return nil }
        return try? PublicKey(subjectPublicKeyInfoDER: der)
    }

    /// The values of one subject attribute (`NID_organizationalUnitName`, `NID_commonName` ...), in order.
    func subjectValues(_ nid: Int32) -> [String] {
        guard let name = X509_get_subject_name(self.pointer) else { return [] }
        var values: [String] = []
        for index in 0..<X509_NAME_entry_count(name) {
            guard let entry = X509_NAME_get_entry(name, index), OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry)) == nid,
                  let data = X509_NAME_ENTRY_get_data(entry), let bytes = ASN1_STRING_get0_data(data)
            else { continue }
            values.append(String(decoding: UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(data))), as: UTF8.self))
        }
        return values
    }

    /// The tenancy an instance certificate speaks for, read as the oci SDKs read it: the first subject value
    /// starting `opc-tenant:` or `opc-identity:`.
    var tenancy: String? {
        for value in self.subjectValues(NID_organizationalUnitName) + self.subjectValues(NID_commonName) {
            for prefix in ["opc-tenant:", "opc-identity:"] where value.hasPrefix(prefix) {
                return String(value.dropFirst(prefix.count))
            }
        }
        return nil
    }

    /// True when `issuer` signed this certificate: its subject is this one's issuer, its key verifies the
    /// signature, and it may sign certificates.
    func isIssued(by issuer: IssuedCertificate) -> Bool {
        defer { ERR_clear_error() }
        guard X509_check_issued(issuer.pointer, self.pointer) == X509_V_OK, let key = X509_get0_pubkey(issuer.pointer) else { return false }
        return X509_verify(self.pointer, key) == 1
    }

    /// True when `date` is inside the validity period.
    func isValid(at date: Date) -> Bool {
        var time = time_t(date.timeIntervalSince1970)
        guard let notBefore = X509_get0_notBefore(self.pointer), let notAfter = X509_get0_notAfter(self.pointer) else { return false }
        return X509_cmp_time(notBefore, &time) == -1 && X509_cmp_time(notAfter, &time) == 1
    }

    /// A new certificate for `subjectKey`, signed by `signer` (`issuer`'s key, or the subject's own for a
    /// self-signed one). `extensions` are OpenSSL configuration lines (`basicConstraints` → `critical,CA:TRUE`).
    static func issue(
        subject: [(field: String, value: String)], subjectKey: OpenSSLKey, issuer: IssuedCertificate?, signer: OpenSSLKey,
        validFor seconds: Int, extensions: [(nid: Int32, value: String)]
    ) -> IssuedCertificate? {
        _ = openSSLPrepared
        guard let pointer = X509_new() else { return nil }
        let certificate = IssuedCertificate(owning: pointer)
        defer { ERR_clear_error() }
        guard X509_set_version(pointer, 2) == 1,
              ASN1_INTEGER_set(X509_get_serialNumber(pointer), Int.random(in: 1...Int.max)) == 1,
              X509_gmtime_adj(X509_getm_notBefore(pointer), -300) != nil,
              X509_gmtime_adj(X509_getm_notAfter(pointer), seconds) != nil,
              let name = X509_get_subject_name(pointer)
        else { return nil }
        for (field, value) in subject {
            // V_ASN1_UTF8STRING rather than MBSTRING_UTF8: OpenSSL would refuse an OU over X.520's 64 characters,
            // and OCI's instance certificates carry longer ones (opc-tenant:<tenancy OCID>)
            let added = Array(value.utf8).withUnsafeBufferPointer { bytes in
                X509_NAME_add_entry_by_txt(name, field, V_ASN1_UTF8STRING, bytes.baseAddress, Int32(bytes.count), -1, 0)
            }
            guard added == 1 else { return nil }
        }
        guard X509_set_issuer_name(pointer, issuer.map { X509_get_subject_name($0.pointer) } ?? name) == 1,
              X509_set_pubkey(pointer, subjectKey.pointer) == 1
        else { return nil }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.pointer ?? pointer, pointer, nil, nil, 0)
        for (nid, value) in extensions {
            guard let extensionPointer = X509V3_EXT_conf_nid(nil, &context, nid, value) else { return nil }
            defer { X509_EXTENSION_free(extensionPointer) }
            guard X509_add_ext(pointer, extensionPointer, -1) == 1 else { return nil }
        }
        guard X509_sign(pointer, signer.pointer, EVP_sha256()) > 0 else { return nil }
        return certificate
    }
}

/// A private or public key as OpenSSL holds it, for signing certificates (OFSigning keeps its own keys opaque).
final class OpenSSLKey: @unchecked Sendable {
    let pointer: OpaquePointer

    private init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(self.pointer)
    }

    /// An unencrypted PEM private key, such as `PrivateKey.pkcs8PEM()` writes.
    convenience init?(privatePEM pem: String) {
        let read = MemoryBIO.reading(Array(pem.utf8)) { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
        guard let read, let pointer = read else {
            ERR_clear_error()
            return nil
        }
        self.init(owning: pointer)
    }

    /// A public key's DER SubjectPublicKeyInfo.
    convenience init?(publicDER der: [UInt8]) {
        let decoded = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let decoded else {
            ERR_clear_error()
            return nil
        }
        self.init(owning: decoded)
    }
}

