import OFServices

/// How a map job runs. Every field left nil takes its value from the configuration.
public struct MapOptions: Sendable, Equatable {
    /// How the function is spoken to.
    public enum CallFormat: Sendable, Equatable {
        /// The job protocol (docs/protocol.md): the function is an oraclefn worker.
        case envelope
        /// Any function: each input is the request body of its own sync invocation and the response body is
        /// the result. Needs `mode` sync and `chunksize` 1.
        case rawBody
    }

    /// Detached (results through Object Storage, the default) or sync (results in the responses).
    public var mode: InvokeMode = .detached
    public var format: CallFormat = .envelope
    /// Invocations running at once; default `oracle_f.max_workers`.
    public var maxWorkers: Int?
    /// Calls per invocation; default `oracle_f.worker_processes`.
    public var chunksize: Int?
    /// How long an invocation may take before it counts as lost: a sync answer, or a detached call's status
    /// after it was accepted. Default `executionTimeout` + 30 s when that is set, else `oracle_f.runtime_timeout`
    /// + 30 s.
    public var callTimeout: Duration?
    /// How long each call may run: the worker stops a call that runs longer and reports a `TimeoutError` as
    /// its function error (Lithops' `timeout`). Nil: only the function's own timeout stops it.
    public var executionTimeout: Duration?
    /// At-least-once delivery: a call whose invocation may still be running (accepted, or sent without an
    /// answer, less than the function's timeout ago) is sent again once `callTimeout` passes without its
    /// result. Off by default: a call then runs at most once at a time, and one past its call timeout fails
    /// as timed out unless the function can no longer be running it.
    public var atLeastOnce = false
    /// Times a call is invoked again after its invocation failed (5xx other than 503, a lost connection, a
    /// worker that died or never reported). Default the larger of `lithops.retries` and 3.
    public var retries: Int?
    /// Times one invocation may be refused with 429 or 503 (each followed by a jittered backoff) before its
    /// calls fail.
    public var throttleRetries: Int = 100
    /// Bucket for the job's objects; default `oracle_oss.storage_bucket`.
    public var bucket: String?
    /// Jobs keep their objects under `<jobsPrefix><job id>/`.
    public var jobsPrefix: String = JobProtocol.defaultJobsPrefix

    public init(
        mode: InvokeMode = .detached, format: CallFormat = .envelope, maxWorkers: Int? = nil, chunksize: Int? = nil,
        callTimeout: Duration? = nil, retries: Int? = nil, bucket: String? = nil
    ) {
        self.mode = mode
        self.format = format
        self.maxWorkers = maxWorkers
        self.chunksize = chunksize
        self.callTimeout = callTimeout
        self.retries = retries
        self.bucket = bucket
    }

    /// The retries used when neither the options nor `lithops.retries` ask for more.
    public static let minimumDefaultRetries = 3
    /// Detached invoke requests waiting for their 202 at once, at most, whatever `maxWorkers` allows running.
    public static let detachedRequestsInFlight = 256
    /// Added to `runtime_timeout` for the default call timeout: the time to start a worker and to see its status.
    public static let callTimeoutMargin = Duration.seconds(30)
}
