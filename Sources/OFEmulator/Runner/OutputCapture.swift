import Foundation
import Glibc
import OFLocking

/// Reads one output stream of a handler (its stdout or stderr pipe) line by line into a `LogStore`,
/// attributing each line to the call the handler is running at the time.
///
/// A handler runs one call at a time, but its output reaches the pipe reader a little after the handler wrote it.
/// So that a call's last lines are not credited to the next call, the runner ends each call with `settle()`:
/// it writes a unique marker into the pipe (the emulator keeps the pipe's write end) and waits until the reader
/// meets it — every byte before the marker was written before the call's answer was received.
final class OutputCapture: Sendable {
    private struct State {
        var writeDescriptor: Int32?
        var pendingMarker: (token: String, done: CheckedContinuation<Void, Never>)?
        var finished = false
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// The longest line kept whole; longer ones are cut into pieces of this size.
    static let maxLineBytes = 64 * 1024
    private static let markerPrefix = "\u{1E}oraclefn-settle-"

    let stream: LogLine.Stream
    /// The handler's end of the pipe, to hand to the child process.
    let childDescriptor: Int32
    private let readDescriptor: Int32
    private let state: Locked<State>
    private let sink: @Sendable (LogLine.Stream, String) -> Void

    /// Opens the pipe. `sink` receives each complete line (without its newline).
    init(stream: LogLine.Stream, sink: @escaping @Sendable (LogLine.Stream, String) -> Void) throws(HandlerStartError) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw HandlerStartError.system("cannot open a pipe for the handler's \(stream.rawValue): \(String(cString: strerror(errno)))")
        }
        // close-on-exec on both: the handler gets its end through dup2, no other child should hold either
        _ = fcntl(descriptors[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(descriptors[1], F_SETFD, FD_CLOEXEC)
        self.stream = stream
        self.readDescriptor = descriptors[0]
        self.childDescriptor = descriptors[1]
        self.state = Locked(State(writeDescriptor: descriptors[1]))
        self.sink = sink
    }

    /// Starts the reading thread; it ends when the pipe closes (the handler exited and `close()` was called).
    func start() {
        Thread.detachNewThread { [self] in
            self.readUntilEnd()
        }
    }

    /// Waits until every byte the handler wrote before now has been read and attributed.
    func settle() async {
        let token = Self.markerPrefix + UUID().uuidString
        let marker = Array((token + "\n").utf8)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let written: Bool = state.withLock { state in
                guard !state.finished, state.pendingMarker == nil, let descriptor = state.writeDescriptor else {
                    return false
                }
                guard Self.writeAll(marker, to: descriptor) else { return false }
                state.pendingMarker = (token, done)
                return true
            }
            if !written { done.resume() }
        }
    }

    /// Closes the emulator's copy of the write end, so the reader sees the end once the handler's copy is closed too.
    func close() {
        state.withLock { state in
            if let descriptor = state.writeDescriptor {
                _ = Glibc.close(descriptor)
                state.writeDescriptor = nil
            }
        }
    }

    /// Waits until the reader has read everything (after the handler exited and `close()`).
    func waitUntilFinished() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let finished: Bool = state.withLock { state in
                if state.finished { return true }
                state.finishWaiters.append(done)
                return false
            }
            if finished { done.resume() }
        }
    }

    private func readUntilEnd() {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(readDescriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            pending.append(contentsOf: chunk[0..<count])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                deliver(Array(pending[..<newline]))
                pending.removeSubrange(...newline)
            }
            while pending.count >= Self.maxLineBytes {
                deliver(Array(pending[..<Self.maxLineBytes]))
                pending.removeSubrange(..<Self.maxLineBytes)
            }
        }
        if !pending.isEmpty { deliver(pending) }
        _ = Glibc.close(readDescriptor)
        let (marker, waiters) = state.withLock { state in
            state.finished = true
            defer {
                state.pendingMarker = nil
                state.finishWaiters = []
            }
            return (state.pendingMarker, state.finishWaiters)
        }
        marker?.done.resume()
        waiters.forEach { $0.resume() }
    }

    /// Passes a line on, or completes a `settle()` when the line ends with its marker
    /// (text before the marker is a line the handler left without a newline).
    private func deliver(_ bytes: [UInt8]) {
        var line = String(decoding: bytes, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        if let range = line.range(of: Self.markerPrefix) {
            let token = String(line[range.lowerBound...])
            let text = String(line[..<range.lowerBound])
            if !text.isEmpty { sink(stream, text) }
            let marker = state.withLock { state in
                guard let pending = state.pendingMarker, pending.token == token else { return nil as CheckedContinuation<Void, Never>? }
                state.pendingMarker = nil
                return pending.done
            }
            marker?.resume()
            return
        }
        sink(stream, line)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}
