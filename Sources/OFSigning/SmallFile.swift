import Glibc

/// What tells one version of a file from the next: `oci session refresh` and the Functions platform
/// rewrite token files in place or replace them, which changes the inode, the size or the mtime.
struct FileVersion: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int

    init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modifiedSeconds = Int(status.st_mtim.tv_sec)
        modifiedNanoseconds = Int(status.st_mtim.tv_nsec)
    }

    /// The file's version now, or nil when it cannot be stat'ed.
    static func of(_ path: String) -> FileVersion? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return FileVersion(status)
    }
}

/// Reads a file of at most `limit` bytes (keys, tokens, pass phrases) in one go.
enum SmallFile {
    enum Failure: Error, Equatable {
        /// open, fstat or read failed with this errno.
        case system(Int32)
        case directory
        case tooLarge
    }

    /// The contents and the version they were read from (fstat of the same descriptor).
    static func read(_ path: String, limit: Int) -> Result<(bytes: [UInt8], version: FileVersion), Failure> {
        // O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return .failure(.system(errno)) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(.system(errno)) }
        if status.st_mode & S_IFMT == S_IFDIR { return .failure(.directory) }
        // a pipe, socket or device could block or never end: ESPIPE, as seeking on one answers
        guard status.st_mode & S_IFMT == S_IFREG else { return .failure(.system(ESPIPE)) }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.system(errno))
            }
            if count == 0 { return .success((bytes, FileVersion(status))) }
            bytes.append(contentsOf: chunk.prefix(count))
            guard bytes.count <= limit else { return .failure(.tooLarge) }
        }
    }

    /// Why `open` failed, in words, ending in what to check (`setting` names the configuration key).
    static func reason(_ code: Int32, setting: String) -> String {
        switch code {
        case ENOENT: return "does not exist: check \(setting) (a relative path is relative to the current directory)"
        case EACCES: return "cannot be read (permission denied): make it readable by this user, e.g. chmod 600"
        case ENOTDIR: return "has a path component that is not a directory: check \(setting)"
        case EISDIR: return "is a directory: \(setting) must name the file inside it"
        case ESPIPE: return "is not a regular file (a pipe, socket or device, which could block or never end): point \(setting) at a file"
        default: return "cannot be read (errno \(code)): check \(setting)"
        }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks: how file contents and environment
    /// values are read.
    var trimmingWhitespace: String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
