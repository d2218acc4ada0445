/// A running map job: one function over N inputs. Every member may be used from any thread.
///
/// The job runs on a thread of its own until every call has ended; dropping the handle does not stop it
/// (`cancel()` does).
public final class MapJob: Sendable {
    /// 16 hex characters; `Engine.attach(jobId:)` collects a detached job by it.
    public let id: String
    private let driver: JobDriver

    init(driver: JobDriver) {
        self.id = driver.spec.jobId
        self.driver = driver
    }

    /// Waits until every call has ended, or until `timeout` has passed (nil: as long as it takes).
    /// Returns whether the job has finished. It blocks the calling thread: from async code, use `finished()`,
    /// which leaves the thread to other tasks.
    @discardableResult
    public func wait(timeout: Duration? = nil) -> Bool {
        driver.snapshot.wait(timeout: timeout.map(\.secondsValue)) { $0.finished ? true : nil } ?? false
    }

    /// Waits, without holding a thread, until every call has ended or the waiting task is cancelled.
    public func finished() async {
        let snapshot = driver.snapshot
        let waiter = snapshot.withLock { snapshot -> Int in
            defer { snapshot.nextWaiter += 1 }
            return snapshot.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = snapshot.withLock { snapshot -> Bool in
                    if snapshot.finished || snapshot.cancelledWaiters.remove(waiter) != nil { return true }
                    snapshot.waiters[waiter] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = snapshot.withLock { snapshot -> CheckedContinuation<Void, Never>? in
                guard let registered = snapshot.waiters.removeValue(forKey: waiter) else {
                    // not registered yet: registering will see this and return at once
                    snapshot.cancelledWaiters.insert(waiter)
                    return nil
                }
                return registered
            }
            continuation?.resume()
        }
    }

    /// Waits, without holding a thread, at most `timeout`. Returns whether the job has finished.
    public func finished(within timeout: Duration) async -> Bool {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.finished() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return isFinished
    }

    /// Stops the job: nothing more is sent, requests under way are abandoned, and every call not ended yet
    /// ends as a failure saying it was cancelled. Calls already running in functions run on.
    public func cancel() {
        driver.post(.cancel)
    }

    public var isFinished: Bool { driver.snapshot.withLock { $0.finished } }

    /// Calls ended, failed and in all.
    public var progress: JobProgress { driver.snapshot.withLock { $0.progress } }

    public var stats: JobStatistics { driver.snapshot.withLock { $0.stats } }

    /// Call `index`'s result as soon as that call has ended; nil while it runs (or for an index out of range).
    public func result(at index: Int) -> CallResult? {
        driver.snapshot.withLock { snapshot in
            if let results = snapshot.results { return results.indices.contains(index) ? results[index] : nil }
            return snapshot.ended[index]
        }
    }

    /// Every call's result in input order, once the job has finished; nil before.
    public var results: [CallResult]? { driver.snapshot.withLock { $0.results } }

    /// Why the job as a whole failed (its function not found, its manifest missing, cancelled), if it did.
    public var error: EngineError? { driver.snapshot.withLock { $0.error } }
}
