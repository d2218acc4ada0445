/// What a job's handle shows: written by the job's driver, read from any thread.
struct JobSnapshot: Sendable {
    var progress: JobProgress
    var stats: JobStatistics
    var finished = false
    /// Set once the job has finished.
    var results: [CallResult]?
    /// The calls ended so far, by input position, published as they end.
    var ended: [Int: CallResult] = [:]
    /// Why the job as a whole failed, when it did (its calls then fail with the same message).
    var error: EngineError?
    /// Async waiters by number, resumed when the job finishes (or their task is cancelled).
    var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    var nextWaiter = 0
    /// Waiters whose task was cancelled before they registered.
    var cancelledWaiters: Set<Int> = []
}

/// How a job starts: with its inputs, or by attaching to a detached job another process started.
enum JobStart: Sendable {
    case new(inputs: [[UInt8]])
    case attach
}

/// A job as asked for, before anything is sent.
struct JobSpec: Sendable {
    let jobId: String
    /// Function OCID or deployed function name; nil when attaching (the manifest names it).
    let function: String?
    let mode: InvokeMode
    let format: MapOptions.CallFormat
    let chunksize: Int
    let limits: InvocationSchedule.Limits
    /// Seconds a call may run before its worker stops it; nil: the function's own timeout.
    let executionTimeout: Double?
    /// The job's bucket, when it has one.
    let bucket: String?
    let layout: JobLayout
    /// Where workers reach Object Storage; nil: their region's endpoint.
    let storageEndpoint: String?
    let start: JobStart

    var inputs: [[UInt8]]? {
        if case .new(let inputs) = start { return inputs }
        return nil
    }
}
