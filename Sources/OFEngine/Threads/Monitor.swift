// A pthread mutex and condition variable around some state: what the job driver waits on for events, and
// what `MapJob.wait` waits on from any thread (no Swift task is needed to wait, so a C or Python caller can).
import Glibc

final class Monitor<State>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    // Guarded by `mutex`.
    private var state: State

    init(_ state: State) {
        self.state = state
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // deadlines are measured on the monotonic clock, which a change of the wall clock does not move
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Changes the state and wakes every waiter.
    func update<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body(&state)
    }

    /// Waits until `take` returns a value, or until `timeout` seconds have passed (nil: no limit), and returns
    /// that value (nil on timeout). `take` runs under the lock, each time the state changes.
    func wait<Result>(timeout: Double?, _ take: (inout State) -> Result?) -> Result? {
        let deadline = timeout.map { MonotonicTime.now() + max(0, $0) }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let result = take(&state) { return result }
            guard let deadline else {
                pthread_cond_wait(condition, mutex)
                continue
            }
            let remaining = deadline - MonotonicTime.now()
            guard remaining > 0 else { return nil }
            var until = MonotonicTime.deadline(secondsFromNow: remaining)
            _ = pthread_cond_timedwait(condition, mutex, &until)
        }
    }
}

/// CLOCK_MONOTONIC in seconds.
enum MonotonicTime {
    static func now() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// The CLOCK_MONOTONIC time `delay` seconds from now, for pthread_cond_timedwait.
    static func deadline(secondsFromNow delay: Double) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        // capped at a day so the conversion cannot overflow; callers wait again if they must
        let bounded = min(max(0, delay), 86_400)
        let whole = Int(bounded)
        var seconds = now.tv_sec + whole
        var nanoseconds = now.tv_nsec + Int((bounded - Double(whole)) * 1e9)
        if nanoseconds >= 1_000_000_000 {
            seconds += 1
            nanoseconds -= 1_000_000_000
        }
        return timespec(tv_sec: seconds, tv_nsec: nanoseconds)
    }
}

/// The clocks the engine reads: monotonic seconds for its own deadlines, wall-clock seconds since the epoch
/// for the timings it reports (workers report theirs on the same scale).
public struct EngineClock: Sendable {
    public var monotonic: @Sendable () -> Double
    public var wall: @Sendable () -> Double

    public init(monotonic: @escaping @Sendable () -> Double, wall: @escaping @Sendable () -> Double) {
        self.monotonic = monotonic
        self.wall = wall
    }

    public static let system = EngineClock(monotonic: MonotonicTime.now) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
