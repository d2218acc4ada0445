// A pthread running one closure: the transport's I/O loop (and the engine's
// signing and job threads) must not occupy a thread of Swift's cooperative pool.
import Glibc

public final class NativeThread: Sendable {
    private let thread: pthread_t

    private final class Body {
        let run: @Sendable () -> Void
        init(run: @escaping @Sendable () -> Void) { self.run = run }
    }

    public init(_ run: @escaping @Sendable () -> Void) throws(TransportError) {
        let body = Unmanaged.passRetained(Body(run: run)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let body = Unmanaged<Body>.fromOpaque(raw).takeRetainedValue()
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
