import Glibc

/// Reads a key file with errors that say what to fix. Key files are small; anything larger than
/// `maximumSize` is certainly not a PEM key and is refused before it is read.
enum KeyFile {
    static let maximumSize = 1 << 20

    static func read(_ path: String) throws(SigningError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw openFailure(path: path, code: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw openFailure(path: path, code: errno) }
        if status.st_mode & S_IFMT == S_IFDIR {
            throw SigningError(key: .unreadable, "The key file \"\(path)\" is a directory: key_file must name the PEM private key file inside it.")
        }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw openFailure(path: path, code: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk.prefix(count))
            guard bytes.count <= maximumSize else {
                throw SigningError(key: .notPrivateKeyPEM, "The key file \"\(path)\" is larger than \(maximumSize) bytes, far too large for a PEM key: check key_file.")
            }
        }
    }

    private static func openFailure(path: String, code: Int32) -> SigningError {
        let reason: String
        switch code {
        case ENOENT: reason = "does not exist: check key_file (a relative path is relative to the current directory)"
        case EACCES: reason = "cannot be read (permission denied): make it readable by this user, e.g. chmod 600"
        case ENOTDIR: reason = "has a path component that is not a directory: check key_file"
        case EISDIR: reason = "is a directory: key_file must name the PEM private key file"
        default: reason = "cannot be read (errno \(code)): check key_file"
        }
        return SigningError(key: .unreadable, "The key file \"\(path)\" \(reason).")
    }
}
