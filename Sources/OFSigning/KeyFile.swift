/// Reads a key file with errors that say what to fix. Key files are small; anything larger than
/// `maximumSize` is certainly not a PEM key and is refused before it is read.
enum KeyFile {
    static let maximumSize = 1 << 20

    static func read(_ path: String) throws(SigningError) -> [UInt8] {
        switch SmallFile.read(path, limit: maximumSize) {
        case .success(let file):
            return file.bytes
        case .failure(.system(let code)):
            throw openFailure(path: path, code: code)
        case .failure(.directory):
            throw SigningError(key: .unreadable, "The key file \"\(path)\" is a directory: key_file must name the PEM private key file inside it.")
        case .failure(.tooLarge):
            throw SigningError(key: .notPrivateKeyPEM, "The key file \"\(path)\" is larger than \(maximumSize) bytes, far too large for a PEM key: check key_file.")
        }
    }

    private static func openFailure(path: String, code: Int32) -> SigningError {
        SigningError(key: .unreadable, "The key file \"\(path)\" \(SmallFile.reason(code, setting: "key_file")).")
    }
}
