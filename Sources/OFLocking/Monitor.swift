// State behind a lock and a condition variable: what the job driver waits on for events, and what
// `MapJob.wait` waits on from any thread (no Swift task is needed to wait, so a C or Python caller can).
import Glibc

public final class Monitor<State>: @unchecked Sendable {
    private let locked: Locked<State>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init(_ state: State) {
        locked = Locked(state)
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
        condition.deallocate()
    }

    public func withLock<Result, Failure: Error>(_ body: (inout State) throws(Failure) -> Result) throws(Failure) -> Result {
        try locked.withLock(body)
    }

    /// Changes the state and wakes every waiter.
    public func update<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        try locked.withLock { state in
            defer { pthread_cond_broadcast(condition) }
            return try body(&state)
        }
    }

    /// Waits until `take` returns a value, or until `timeout` seconds have passed (nil: no limit), and returns
    /// that value (nil on timeout). `take` runs under the lock, each time the state changes.
    public func wait<Result>(timeout: Double?, _ take: (inout State) -> Result?) -> Result? {
        let deadline = timeout.map { MonotonicTime.now() + max(0, $0) }
        pthread_mutex_lock(locked.mutex)
        defer { pthread_mutex_unlock(locked.mutex) }
        while true {
            // one access to the state per look: other threads change it while this one waits
            if let result = take(&locked.state) { return result }
            guard let deadline else {
                pthread_cond_wait(condition, locked.mutex)
                continue
            }
            let remaining = deadline - MonotonicTime.now()
            guard remaining > 0 else { return nil }
            var until = MonotonicTime.deadline(secondsFromNow: remaining)
            _ = pthread_cond_timedwait(condition, locked.mutex, &until)
        }
    }
}

/// CLOCK_MONOTONIC in seconds.
public enum MonotonicTime {
    public static func now() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// The CLOCK_MONOTONIC time `delay` seconds from now, for pthread_cond_timedwait.
    public static func deadline(secondsFromNow delay: Double) -> timespec {
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
