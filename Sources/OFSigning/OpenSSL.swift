import COpenSSL

/// OpenSSL initialised once per process without its exit-time cleanup (see the shim); every path into
/// OpenSSL, this module's and libcurl's, touches this first.
public let openSSLPrepared: Bool = ofn_openssl_init_no_atexit() == 1

/// Owns one `EVP_PKEY`. OpenSSL 3 allows a key to be used by many threads at once as long as nobody
/// modifies it; this wrapper never does after creation, and each operation uses its own `EVP_MD_CTX`.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    var isRSA: Bool { EVP_PKEY_get_base_id(pointer) == NID_rsaEncryption }

    /// DER SubjectPublicKeyInfo, the bytes OCI's key fingerprint is an MD5 of.
    func subjectPublicKeyInfoDER() -> [UInt8]? {
        let length = i2d_PUBKEY(pointer, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_PUBKEY(pointer, &cursor)
        }
        return written == length ? der : nil
    }

    /// `aa:bb:...`: MD5 of the DER public key, lowercase hex pairs joined by colons.
    func fingerprint() -> String? {
        guard let der = subjectPublicKeyInfoDER(), let digest = Digest.md5(der) else { return nil }
        return digest.map(Self.hexPair).joined(separator: ":")
    }

    private static func hexPair(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16)
        return byte < 16 ? "0" + hex : hex
    }
}

/// Message digests through OpenSSL.
public enum Digest {
    static func sha256(_ bytes: [UInt8]) -> [UInt8]? { digest(bytes, EVP_sha256()) }

    /// SHA-1 in lowercase hex: not for security; Lithops hashes its runtime function names with it.
    public static func sha1Hex(_ text: String) -> String? {
        digest(Array(text.utf8), EVP_sha1()).map { $0.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
    }

    static func md5(_ bytes: [UInt8]) -> [UInt8]? { digest(bytes, EVP_md5()) }

    private static func digest(_ bytes: [UInt8], _ algorithm: OpaquePointer?) -> [UInt8]? {
        _ = openSSLPrepared
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, algorithm, nil)
            }
        }
        guard ok == 1 else {
            ERR_clear_error()
            return nil
        }
        return Array(output.prefix(Int(length)))
    }
}

/// Memory BIOs for reading and writing PEM and DER, shared with the emulator's certificate code.
public enum MemoryBIO {
    /// Runs `body` with a read-only BIO over `bytes`; nil when the bytes are too large for a BIO.
    public static func reading<T>(_ bytes: [UInt8], _ body: (OpaquePointer) -> T) -> T? {
        _ = openSSLPrepared
        guard let length = Int32(exactly: bytes.count) else { return nil }
        return bytes.withUnsafeBytes { buffer -> T? in
            // An empty array may have no base address; any valid pointer works for a zero-length BIO.
            let base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)
            guard let bio = BIO_new_mem_buf(base, length) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }

    /// Runs `write` against a fresh memory BIO and returns what it wrote, or nil when it failed.
    public static func writing(_ write: (OpaquePointer) -> Int32) -> [UInt8]? {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else {
            ERR_clear_error()
            return nil
        }
        var data: UnsafeMutablePointer<CChar>?
        let length = ofn_bio_get_mem_data(bio, &data)
        guard length >= 0, let data else { return length == 0 ? [] : nil }
        return data.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }
}

enum RSASignature {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (OCI's `rsa-sha256`); nil when OpenSSL refuses.
    static func sign(_ data: [UInt8], with key: EVPKey) -> [UInt8]? {
        guard let context = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key.pointer) == 1 else {
            ERR_clear_error()
            return nil
        }
        return data.withUnsafeBufferPointer { input -> [UInt8]? in
            var length = 0
            guard EVP_DigestSign(context, nil, &length, input.baseAddress, input.count) == 1 else {
                ERR_clear_error()
                return nil
            }
            var signature = [UInt8](repeating: 0, count: length)
            let ok = signature.withUnsafeMutableBufferPointer { out in
                EVP_DigestSign(context, out.baseAddress, &length, input.baseAddress, input.count)
            }
            guard ok == 1 else {
                ERR_clear_error()
                return nil
            }
            return Array(signature.prefix(length))
        }
    }

    static func verify(_ signature: [UInt8], data: [UInt8], with key: EVPKey) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key.pointer) == 1 else {
            ERR_clear_error()
            return false
        }
        let ok = signature.withUnsafeBufferPointer { sig in
            data.withUnsafeBufferPointer { input in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, input.baseAddress, input.count)
            }
        }
        // A failed verification leaves reasons on the thread's error queue; they are not ours to keep.
        ERR_clear_error()
        return ok == 1
    }
}
