// The only I/O this module does: finding and reading configuration and key files.
import Glibc

/// Why a file could not be read, worded to follow "the file PATH ...".
enum FileProblem: Error, Equatable {
    case missing
    case isDirectory
    case unreadable(reason: String)
    case tooLarge(limit: Int)

    var explanation: String {
        switch self {
        case .missing: return "does not exist"
        case .isDirectory: return "is a directory, not a file"
        case .unreadable(let reason): return "cannot be read (\(reason))"
        case .tooLarge(let limit): return "is larger than \(limit) bytes, too large for this kind of file"
        }
    }
}

enum Files {
    /// The whole content of a regular file of at most `limit` bytes.
    static func read(_ path: String, limit: Int) throws(FileProblem) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw problem(errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw problem(errno) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw .isDirectory }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .unreadable(reason: "it is not a regular file (a pipe, socket or device, which could block or never end)") }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return content }
            if count < 0 {
                if errno == EINTR { continue }
                throw problem(errno)
            }
            guard content.count + count <= limit else { throw .tooLarge(limit: limit) }
            content.append(contentsOf: chunk[0..<count])
        }
    }

    /// Checks, without reading it, that `path` is a regular file of at most `limit` bytes that this user may
    /// read: a key is read once, by whoever signs with it.
    static func checkReadable(_ path: String, limit: Int) throws(FileProblem) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw problem(errno) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw .isDirectory }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .unreadable(reason: "it is not a regular file") }
        guard access(path, R_OK) == 0 else { throw problem(errno) }
        guard Int(info.st_size) <= limit else { throw .tooLarge(limit: limit) }
    }

    /// Whether anything (file or directory) exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    static func currentDirectory() -> String {
        guard let cwd = getcwd(nil, 0) else { return "/" }
        defer { free(cwd) }
        return String(cString: cwd)
    }

    /// HOME from `environment`, else the user database's entry for this user.
    static func homeDirectory(environment: [String: String]) -> String? {
        if let home = environment["HOME"], !home.isEmpty { return home }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = getpwuid_r(getuid(), &entry, &buffer, buffer.count, &result)
        guard status == 0, result != nil, let dir = entry.pw_dir else { return nil }
        return String(cString: dir)
    }

    private static func problem(_ code: Int32) -> FileProblem {
        switch code {
        case ENOENT, ENOTDIR: return .missing
        case EISDIR: return .isDirectory
        default: return .unreadable(reason: String(cString: strerror(code)))
        }
    }
}

/// Path arithmetic, done on strings: no file system access.
enum Paths {
    /// `path` made absolute: a leading `~` or `~/` becomes `home`, a relative path is taken from `base`,
    /// and `.`/`..` components are resolved.
    static func absolute(_ path: String, base: String, home: String?) -> String {
        var expanded = path
        if let home, path == "~" || path.hasPrefix("~/") {
            expanded = home + path.dropFirst()
        }
        if !expanded.hasPrefix("/") { expanded = base + "/" + expanded }
        return normalized(expanded)
    }

    /// The folder holding `path` ("/" for a top-level file).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    private static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
