// HTTP over one curl multi handle driven by one I/O thread. Any thread submits a
// request (set up on that thread) through a mutex-guarded queue and wakes the
// loop; completions are called on the I/O thread. Connections, and HTTP/2
// streams where the server offers them, are reused across requests per host.
import CCurl
import Glibc
import OFLocking

public final class HTTPClient: Sendable {
    public let configuration: TransportConfiguration
    public let logger: Logger
    /// "oraclefn/<version> (<os>; <arch>) libcurl/<version>", plus the configured suffix.
    public let userAgent: String
    /// The name of every client's I/O thread, so that tools (and tests) can count them.
    public static let threadName = "oraclefn-http"

    private let shared: Shared
    private let handles = EasyHandles()
    private let thread: NativeThread

    public init(configuration: TransportConfiguration = TransportConfiguration(), logger: Logger = .disabled) throws(TransportError) {
        _ = curlGlobalInit
        guard let handle = curl_multi_init() else {
            throw TransportError(kind: .other, description: "libcurl could not create a multi handle (out of memory?)", requestSent: false)
        }
        _ = ofn_curl_multi_setopt_long(handle, CURLMOPT_MAX_HOST_CONNECTIONS, max(0, configuration.connectionPool.maxConnectionsPerHost))
        _ = ofn_curl_multi_setopt_long(handle, CURLMOPT_MAXCONNECTS, max(1, configuration.connectionPool.maxCachedConnections))
        self.configuration = configuration
        self.logger = logger
        self.userAgent = UserAgent.make(suffix: configuration.userAgentSuffix)
        let shared = Shared(multi: handle)
        self.shared = shared
        let loop = Loop(shared: shared, logger: logger)
        thread = try NativeThread(name: Self.threadName) { loop.run() }
        if !configuration.tls.verifiesPeer {
            logger.warning("TLS verification is OFF: any server can pose as OCI and read the requests. Use this only for testing.")
        }
    }

    deinit { shutdown() }

    /// Starts a request. `completion` runs once, on the client's I/O thread: keep it short
    /// and hand work elsewhere. Returns a token for `cancel(_:)`.
    @discardableResult
    public func submit(_ request: HTTPRequest, completion: @escaping @Sendable (Result<HTTPResponse, TransportError>) -> Void) -> TransferToken {
        let id = shared.queue.withLock { s in
            defer { s.nextID &+= 1 }
            return s.nextID
        }
        let transfer = Transfer(id: id, request: request, handles: handles, completion: completion)
        do {
            try transfer.prepare(configuration, userAgent: userAgent)
        } catch {
            transfer.releaseHandle()
            completion(.failure(error))
            return TransferToken(transfer: transfer)
        }
        if logger.isEnabled(.debug) {
            logger.debug("→ \(request.method) \(request.url) [\(request.headers.redactedDescription)] body \(request.body.count) bytes")
        }
        let accepted = shared.queue.withLock { s in
            if s.stopping { return false }
            s.submitted.append(transfer)
            return true
        }
        guard accepted else {
            transfer.releaseHandle()
            completion(.failure(.shutdown))
            return TransferToken(transfer: transfer)
        }
        shared.wakeUp()
        return TransferToken(transfer: transfer)
    }

    /// Stops a request; its completion gets `TransportError.cancelled` unless it had
    /// already finished.
    public func cancel(_ token: TransferToken) {
        token.transfer.cancelRequested.store(true, ordering: .releasing)
        shared.queue.withLock { $0.cancelled.append(token.transfer) }
        shared.wakeUp()
    }

    /// Sends a request and waits for its answer. Cancelling the task cancels the request.
    public func execute(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let pending = Locked<TransferToken?>(nil)
        let result: Result<HTTPResponse, TransportError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let token = submit(request) { continuation.resume(returning: $0) }
                pending.withLock { $0 = token }
                if Task.isCancelled { cancel(token) }
            }
        } onCancel: {
            if let token = pending.withLock({ $0 }) { cancel(token) }
        }
        return try result.get()
    }

    /// Stops the I/O thread; requests still running complete with `TransportError.shutdown`.
    /// Called by deinit; safe to call more than once.
    public func shutdown() {
        let first = shared.queue.withLock { s in
            defer { s.stopping = true }
            return !s.stopping
        }
        guard first else { return }
        shared.wakeUp()
        // A completion that dropped the last reference runs on the I/O thread itself.
        if thread.isCurrent { thread.detach() } else { thread.join() }
    }
}

/// Identifies a submitted request, for cancelling it.
public struct TransferToken: Sendable {
    let transfer: Transfer
}

/// What the submitting threads and the I/O thread share.
private final class Shared: @unchecked Sendable {
    struct Queue {
        var submitted: [Transfer] = []
        var cancelled: [Transfer] = []
        var stopping = false
        var nextID: UInt64 = 1
    }

    let queue = Locked(Queue())
    /// Used only on the I/O thread, except for curl_multi_wakeup, which is thread-safe.
    let multi: UnsafeMutableRawPointer

    init(multi: UnsafeMutableRawPointer) { self.multi = multi }

    // Last reference gone: the loop has ended and no thread can wake it any more.
    deinit { curl_multi_cleanup(multi) }

    func wakeUp() { curl_multi_wakeup(multi) }
}

/// The I/O thread: adds submitted transfers, runs curl, completes finished ones.
private final class Loop: @unchecked Sendable {
    private let shared: Shared
    private let logger: Logger
    private var running: [UInt64: Transfer] = [:]

    init(shared: Shared, logger: Logger) {
        self.shared = shared
        self.logger = logger
    }

    func run() {
        let multi = shared.multi
        while true {
            let (submitted, cancelled, stopping) = shared.queue.withLock { q in
                defer {
                    q.submitted.removeAll()
                    q.cancelled.removeAll()
                }
                return (q.submitted, q.cancelled, q.stopping)
            }
            for transfer in submitted { start(transfer) }
            for transfer in cancelled where running[transfer.id] != nil { finish(transfer, .failure(.cancelled)) }
            if stopping { break }
            var active: Int32 = 0
            _ = curl_multi_perform(multi, &active)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                var raw: UnsafeMutableRawPointer?
                _ = ofn_curl_getinfo_ptr(easy, CURLINFO_PRIVATE, &raw)
                guard let transfer = running[UInt64(UInt(bitPattern: raw))] else { continue }
                finish(transfer, transfer.result(message.pointee.data.result))
            }
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for transfer in running.values { finish(transfer, .failure(.shutdown)) }
    }

    private func start(_ transfer: Transfer) {
        guard !transfer.cancelRequested.load(ordering: .acquiring) else {
            transfer.releaseHandle()
            transfer.completion(.failure(.cancelled))
            return
        }
        let code = curl_multi_add_handle(shared.multi, transfer.easy)
        guard code == CURLM_OK else {
            transfer.releaseHandle()
            let reason = String(cString: curl_multi_strerror(code))
            transfer.completion(.failure(TransportError(kind: .other, description: "libcurl could not start \(transfer.request.method) \(transfer.request.url): \(reason)", requestSent: false)))
            return
        }
        running[transfer.id] = transfer
    }

    private func finish(_ transfer: Transfer, _ result: Result<HTTPResponse, TransportError>) {
        running[transfer.id] = nil
        _ = curl_multi_remove_handle(shared.multi, transfer.easy)
        transfer.releaseHandle()
        if logger.isEnabled(.debug) {
            let elapsed = ContinuousClock.now - transfer.started
            switch result {
            case .success(let r):
                logger.debug("← \(r.status) HTTP/\(r.httpVersion) \(transfer.request.method) \(transfer.request.url) in \(elapsed) [\(r.headers.redactedDescription)]")
            case .failure(let e):
                logger.debug("← failed \(transfer.request.method) \(transfer.request.url) in \(elapsed): \(e.description)")
            }
        }
        transfer.completion(result)
    }
}
