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
    /// Returns whether the job has finished.
    @discardableResult
    public func wait(timeout: Duration? = nil) -> Bool {
        driver.snapshot.wait(timeout: timeout.map(\.secondsValue)) { $0.finished ? true : nil } ?? false
    }

    /// Waits, without holding a thread, until every call has ended.
    public func finished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = driver.snapshot.withLock { snapshot -> Bool in
                if !snapshot.finished { snapshot.waiters.append(continuation) }
                return snapshot.finished
            }
            if done { continuation.resume() }
        }
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

    /// Every call's result in input order, once the job has finished; nil before.
    public var results: [CallResult]? { driver.snapshot.withLock { $0.results } }

    /// Why the job as a whole failed (its function not found, its manifest missing, cancelled), if it did.
    public var error: EngineError? { driver.snapshot.withLock { $0.error } }
}
