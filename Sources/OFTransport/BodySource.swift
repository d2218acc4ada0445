// Request bodies that are read as they are sent, so a large upload is never
// copied whole. Reads are positional: a retry or a multipart part starts
// anywhere without rewinding shared state.
import Glibc

/// Bytes to upload, read on demand from the transport's I/O thread.
public protocol BodySource: Sendable {
    /// The number of bytes the body has; it is sent as the Content-Length.
    var count: Int { get }
    /// Copies up to `buffer.count` bytes starting at `offset` into `buffer` and returns
    /// how many it copied (0 only at the end).
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(TransportError) -> Int
}

extension BodySource {
    /// The bytes `range` of this body, read from it when sent.
    public func slice(_ range: Range<Int>) -> any BodySource { SlicedSource(base: self, range: range) }
}

/// A body held in memory.
public struct ByteArraySource: BodySource {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var count: Int { bytes.count }

    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(TransportError) -> Int {
        guard offset >= 0, offset < bytes.count else { return 0 }
        let n = min(buffer.count, bytes.count - offset)
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + n])) }
        return n
    }
}

/// A body in memory that someone else owns, such as a C caller's buffer during a blocking
/// call. The memory must stay valid and unchanged until every request using it has finished.
public struct UnsafeBytesSource: BodySource, @unchecked Sendable {
    private let base: UnsafeRawBufferPointer
    public init(borrowing base: UnsafeRawBufferPointer) { self.base = base }
    public var count: Int { base.count }

    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(TransportError) -> Int {
        guard offset >= 0, offset < base.count else { return 0 }
        let n = min(buffer.count, base.count - offset)
        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: base[offset..<offset + n]))
        return n
    }
}

/// A body read from a file with pread, so one open file serves many concurrent parts.
public final class FileSource: BodySource {
    private let descriptor: Int32
    /// The file's path, or "descriptor N", for messages.
    public let path: String
    public let count: Int

    public convenience init(path: String) throws(TransportError) {
        // O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever (it is refused below)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw .bodySource("cannot open \"\(path)\" for upload: \(String(cString: strerror(errno))); check that the file exists and is readable")
        }
        try self.init(owning: fd, name: path)
    }

    /// The file a caller's descriptor reads, whole (positions are absolute). The descriptor is duplicated: the
    /// caller may close its own once the upload is done.
    public convenience init(descriptor: Int32) throws(TransportError) {
        let fd = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard fd >= 0 else {
            throw .bodySource("descriptor \(descriptor) cannot be read for upload: \(String(cString: strerror(errno))); pass an open file's descriptor")
        }
        try self.init(owning: fd, name: "descriptor \(descriptor)")
    }

    private init(owning fd: Int32, name: String) throws(TransportError) {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .bodySource("\"\(name)\" is not a regular file; give a file to upload (a pipe or socket cannot be read twice when a part is retried)")
        }
        guard fcntl(fd, F_GETFL) & O_ACCMODE != O_WRONLY else {
            close(fd)
            throw .bodySource("\(name) is open for writing only; open the file for reading")
        }
        self.descriptor = fd
        self.path = name
        self.count = Int(info.st_size)
    }

    deinit { close(descriptor) }

    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(TransportError) -> Int {
        guard offset < count, let base = buffer.baseAddress else { return 0 }
        while true {
            let n = pread(descriptor, base, min(buffer.count, count - offset), off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR {
                throw .bodySource("reading \"\(path)\" at offset \(offset) failed: \(String(cString: strerror(errno)))")
            }
        }
    }
}

struct SlicedSource: BodySource {
    let base: any BodySource
    let range: Range<Int>
    var count: Int { range.count }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(TransportError) -> Int {
        guard offset >= 0, offset < range.count else { return 0 }
        let n = min(buffer.count, range.count - offset)
        return try base.read(at: range.lowerBound + offset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n]))
    }
}
