// C callers block; the clients are async. This runs one async operation to
// completion on the cooperative pool while the calling C thread waits.
import COraclefnTypes
import Glibc
import OFLocking

/// Runs `operation` and waits for it, whatever it takes: it may borrow the caller's
/// memory, so it must have finished before the export returns. Never call this from a
/// thread of Swift's cooperative pool.
func blocking<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let done = Semaphore()
    let outcome = Locked<Result<T, any Error>?>(nil)
    Task.detached {
        let result: Result<T, any Error>
        do { result = .success(try await operation()) } catch { result = .failure(error) }
        outcome.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    guard let result = outcome.withLock({ $0 }) else { throw CError(status: OFN_ERROR, message: "internal error: an operation ended without a result") }
    return try result.get()
}

/// A POSIX semaphore (no Dispatch: the library stays free of its Swift overlay).
private final class Semaphore: @unchecked Sendable {
    private let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    init() { sem_init(semaphore, 0, 0) }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    func signal() { sem_post(semaphore) }

    func wait() {
        while sem_wait(semaphore) != 0 && errno == EINTR {}
    }
}
