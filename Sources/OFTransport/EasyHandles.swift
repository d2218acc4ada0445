import CCurl
import OFLocking

/// curl easy handles kept between requests, so a request does not create and set up a handle of its own (one
/// per request was a visible share of the client's CPU). A handle is reset before it is used again, so no option
/// of an earlier request carries over; connections live in the multi handle's cache either way.
final class EasyHandles: Sendable {
    /// Idle handles kept at most; the rest are freed, so a burst of requests does not pin its handles' memory.
    static let idleLimit = 64

    /// An idle handle, owned by whoever holds it: the pool, or one transfer.
    private struct Idle: @unchecked Sendable {
        let handle: UnsafeMutableRawPointer
    }

    private let idle = Locked<[Idle]>([])

    init() {}

    deinit {
        idle.withLock { idle in
            for entry in idle { curl_easy_cleanup(entry.handle) }
        }
    }

    /// A handle with curl's default options: an idle one reset, or a new one; nil when curl cannot allocate one.
    func take() -> UnsafeMutableRawPointer? {
        guard let reused = idle.withLock({ $0.popLast() }) else { return curl_easy_init() }
        curl_easy_reset(reused.handle)
        return reused.handle
    }

    /// Takes back a handle no transfer uses any more; it must not be in a multi handle.
    func giveBack(_ handle: UnsafeMutableRawPointer) {
        let kept = idle.withLock { idle -> Bool in
            guard idle.count < Self.idleLimit else { return false }
            idle.append(Idle(handle: handle))
            return true
        }
        if !kept { curl_easy_cleanup(handle) }
    }
}
