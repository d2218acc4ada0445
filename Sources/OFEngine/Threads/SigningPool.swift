import OFLocking
import OFServices
import OFTransport

/// A few threads that build invocations and hand them to the Functions invoke client, which signs and submits
/// them, so the HTTP client's single I/O thread only moves bytes: RSA signing, the costly part of an
/// invocation, runs on as many cores as there are.
final class SigningPool: Sendable {
    /// One request to build, sign and send.
    struct Work: Sendable {
        /// Builds the request; runs on a signing thread, so encoding a large envelope does not hold up anyone.
        let make: @Sendable () throws -> HTTPRequest
        /// Gets the token of the sent request, for cancelling it.
        let sent: @Sendable (TransferToken) -> Void
        /// Runs once: on the client's I/O thread with its answer, or on the signing thread when the request
        /// could not be built or signed.
        let completion: @Sendable (Result<HTTPResponse, any Error>) -> Void
    }

    private struct Queue {
        var work: [Work] = []
        var head = 0
        var stopping = false
    }

    private let invoker: FunctionsInvokeClient
    private let queue = Monitor(Queue())
    private let threads: [NativeThread]

    /// `threadCount` signing threads (at least 1) sending through `invoker`.
    init(threadCount: Int, invoker: FunctionsInvokeClient) throws(TransportError) {
        self.invoker = invoker
        var threads: [NativeThread] = []
        let queue = self.queue
        for _ in 0..<max(1, threadCount) {
            do {
                threads.append(try NativeThread { Self.serve(queue: queue, invoker: invoker) })
            } catch {
                queue.update { $0.stopping = true }
                threads.forEach { $0.join() }
                throw error
            }
        }
        self.threads = threads
    }

    deinit { shutdown() }

    func submit(_ work: Work) {
        let accepted = queue.update { queue -> Bool in
            guard !queue.stopping else { return false }
            queue.work.append(work)
            return true
        }
        if !accepted { work.completion(.failure(TransportError.shutdown)) }
    }

    /// Stops a sent request; its completion gets a cancellation error unless it had finished.
    func cancel(_ token: TransferToken) {
        invoker.service.executor.client.cancel(token)
    }

    /// Stops the threads once the work queued so far is sent. Safe to call more than once.
    func shutdown() {
        let first = queue.update { queue -> Bool in
            defer { queue.stopping = true }
            return !queue.stopping
        }
        guard first else { return }
        for thread in threads where !thread.isCurrent { thread.join() }
    }

    private static func serve(queue: Monitor<Queue>, invoker: FunctionsInvokeClient) {
        while let work = next(from: queue) {
            let request: HTTPRequest
            do {
                request = try work.make()
            } catch {
                work.completion(.failure(error))
                continue
            }
            if let token = invoker.submit(request, completion: work.completion) { work.sent(token) }
        }
    }

    /// The next work to do, waiting for it; nil once the pool stops and the queue is empty.
    private static func next(from queue: Monitor<Queue>) -> Work? {
        enum Next { case work(Work), stop }
        let next = queue.wait(timeout: nil) { queue -> Next? in
            guard queue.head < queue.work.count else { return queue.stopping ? .stop : nil }
            let work = queue.work[queue.head]
            queue.head += 1
            // drop what was taken once it is most of the array, so the queue does not grow forever
            if queue.head >= 1024, queue.head * 2 >= queue.work.count {
                queue.work.removeFirst(queue.head)
                queue.head = 0
            }
            return .work(work)
        }
        if case .work(let work) = next { return work }
        return nil
    }
}
