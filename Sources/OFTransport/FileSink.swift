// Downloads that go to a file as the bytes arrive, so an object of any size
// costs the transport's buffers and nothing more.
import Glibc
import OFLocking

/// Writes the body of an answer to a file: one named by path (created or
/// truncated when the service answers with the object, so a request that fails
/// first leaves an existing file alone), or a descriptor the caller owns.
///
/// A retried answer starts over: a path is truncated, a seekable descriptor is
/// put back where it was and truncated there; a pipe that already took bytes
/// cannot take them again, so the retry fails with a message saying so.
public final class FileSink: ResponseSink, Sendable {
    public enum Target: Sendable {
        /// Opened (O_CREAT | O_TRUNC, mode 0666 less the umask) by the first answer; closed by `close()`.
        case path(String)
        /// Written from its current position; never closed here.
        case descriptor(Int32)
    }

    private struct State {
        var descriptor: Int32 = -1
        /// Where the first byte goes: the descriptor's position when the sink was made.
        var start: off_t = 0
        var written = 0
        var opened = false
    }

    public let target: Target
    private let state: Locked<State>

    public init(_ target: Target) {
        self.target = target
        var state = State()
        if case .descriptor(let fd) = target {
            state.descriptor = fd
            state.start = lseek(fd, 0, SEEK_CUR)
        }
        self.state = Locked(state)
    }

    deinit { close() }

    /// Whether the path was created or truncated, and so may now hold part of an object.
    public var opened: Bool { state.withLock { $0.opened } }
    /// The bytes written by the answer being received (the last one, after a retry).
    public var written: Int { state.withLock { $0.written } }

    /// What the sink writes to, for messages: the path, or "descriptor N".
    public var name: String {
        switch target {
        case .path(let path): path
        case .descriptor(let fd): "descriptor \(fd)"
        }
    }

    /// After a failed download: closes a file opened from a path and removes it, so no partial object is left
    /// where a whole one is expected. A caller's descriptor is left as it is.
    public func discard() {
        let made = opened
        close()
        if made, case .path(let path) = target { unlink(path) }
    }

    /// Closes a file opened from a path (a caller's descriptor stays open).
    public func close() {
        guard case .path = target else { return }
        state.withLock { s in
            if s.descriptor >= 0 { Glibc.close(s.descriptor) }
            s.descriptor = -1
        }
    }

    public func begin(expectedLength: Int?) throws(TransportError) {
        try state.withLock { (s) throws(TransportError) in
            switch target {
            case .path(let path):
                if s.descriptor < 0 {
                    s.descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o666)
                    guard s.descriptor >= 0 else { throw failure("cannot open", errno, hint: "; name a file in a folder that exists and can be written") }
                    s.opened = true
                }
                guard ftruncate(s.descriptor, 0) == 0 || errno == EINVAL, lseek(s.descriptor, 0, SEEK_SET) >= 0 || errno == ESPIPE else {
                    throw failure("cannot truncate", errno)
                }
            case .descriptor(let fd):
                guard s.written > 0 else { break }
                guard s.start >= 0, lseek(fd, s.start, SEEK_SET) >= 0 else {
                    throw .bodySource("the answer broke off after \(s.written) bytes were written to \(name), which cannot seek back for the retry; write to a file instead")
                }
                _ = ftruncate(fd, s.start)
            }
            s.written = 0
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(TransportError) {
        try state.withLock { (s) throws(TransportError) in
            guard var next = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let n = Glibc.write(s.descriptor, next, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot write", errno)
                }
                next += n
                left -= n
                s.written += n
            }
        }
    }

    private func failure(_ what: String, _ code: Int32, hint: String = "") -> TransportError {
        .bodySource("\(what) \(name): \(String(cString: strerror(code)))\(hint)")
    }
}
