import COpenSSL
import Foundation

/// Hashes: the content MD5s Object Storage reports (`opc-content-md5`, `opc-multipart-md5`), and file names.
enum Digest {
    /// MD5 of the bytes (OCI reports MD5 as a content checksum, not for security).
    static func md5(_ bytes: [UInt8]) -> [UInt8] {
        self.digest(bytes, EVP_md5())
    }

    /// SHA-256 in lowercase hex: a file name for an object name of any length and alphabet.
    static func sha256Hex(_ text: String) -> String {
        self.digest(Array(text.utf8), EVP_sha256()).map { String(format: "%02x", $0) }.joined()
    }

    static func md5Base64(_ bytes: [UInt8]) -> String {
        Data(self.md5(bytes)).base64EncodedString()
    }

    private static func digest(_ bytes: [UInt8], _ algorithm: OpaquePointer?) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, algorithm, nil)
        }
        return ok == 1 ? Array(digest.prefix(Int(length))) : []
    }
}
