// State behind a lock, used wherever threads or tasks share it. A pthread mutex rather than the standard library's
// `Mutex`: on Linux `Mutex` locks with a bare futex that ThreadSanitizer does not see, so every access under it
// from two threads reads as a race (docs/sanitizers.md); a pthread mutex is intercepted and understood.
import Glibc

public final class Locked<State>: @unchecked Sendable {
    let mutex: UnsafeMutablePointer<pthread_mutex_t>
    // Guarded by `mutex`.
    var state: State

    public init(_ state: State) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        // Stored under the lock, so that a thread that takes it later sees the store happen before, even when the
        // object reached that thread by a path ThreadSanitizer does not follow (a task's cancellation handler).
        pthread_mutex_lock(mutex)
        self.state = state
        pthread_mutex_unlock(mutex)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func withLock<Result, Failure: Error>(_ body: (inout State) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}
