// A pthread running one closure: the transport's I/O loop (and the engine's
// signing and job threads) must not occupy a thread of Swift's cooperative pool.
import CCurl
import Glibc

public final class NativeThread: Sendable {
    private let thread: pthread_t

    private final class Body {
        let run: @Sendable () -> Void
        let name: String?
        init(run: @escaping @Sendable () -> Void, name: String?) {
            self.run = run
            self.name = name
        }
    }

    /// `name` (at most 15 bytes are kept) is what `top -H` and /proc/<pid>/task/<tid>/comm show.
    public init(name: String? = nil, _ run: @escaping @Sendable () -> Void) throws(TransportError) {
        let body = Unmanaged.passRetained(Body(run: run, name: name)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let body = Unmanaged<Body>.fromOpaque(raw).takeRetainedValue()
            if let name = body.name { _ = ofn_thread_set_name(String(name.utf8.prefix(15)) ?? name) }
            body.run()
            return nil
        }, body)
        guard rc == 0 else {
            Unmanaged<Body>.fromOpaque(body).release()
            throw TransportError(kind: .other, description: "could not start a thread: \(String(cString: strerror(rc))); the process may have too many threads", requestSent: false)
        }
        self.thread = thread
    }

    public var isCurrent: Bool { pthread_equal(thread, pthread_self()) != 0 }

    public func join() { pthread_join(thread, nil) }

    public func detach() { pthread_detach(thread) }
}
