/// How one call ended.
public enum CallOutcome: Sendable, Equatable {
    /// The function returned these bytes (empty when it returned nothing).
    case value([UInt8])
    /// The function raised; its error as the worker reported it.
    case functionError(FunctionError)
    /// The call got no result: why, and what to do about it.
    case failure(String)

    public var isValue: Bool {
        if case .value = self { return true }
        return false
    }
}

/// When a call passed each step, seconds since the epoch; nil for a step it did not reach or that does not
/// apply (a sync call has no status to see). `workerStart` and `workerEnd` are the worker's clock.
public struct CallTimings: Sendable, Equatable {
    /// The engine sent the (last) invocation carrying the call.
    public var submitted: Double?
    /// The service accepted it (202 detached) or answered it (sync).
    public var accepted: Double?
    public var workerStart: Double?
    public var workerEnd: Double?
    /// The engine saw the call's status object (detached).
    public var statusSeen: Double?
    /// The engine had the call's result in hand.
    public var resultFetched: Double?

    public init(
        submitted: Double? = nil, accepted: Double? = nil, workerStart: Double? = nil, workerEnd: Double? = nil,
        statusSeen: Double? = nil, resultFetched: Double? = nil
    ) {
        self.submitted = submitted
        self.accepted = accepted
        self.workerStart = workerStart
        self.workerEnd = workerEnd
        self.statusSeen = statusSeen
        self.resultFetched = resultFetched
    }
}

/// One call's result, in input order.
public struct CallResult: Sendable, Equatable {
    /// The input's position.
    public let index: Int
    public var callId: String { JobProtocol.callId(index) }
    public var outcome: CallOutcome
    public var timings: CallTimings
    /// Invocations that carried this call; more than 1 after retries.
    public var attempts: Int
    /// The call's captured output, when the worker reported it.
    public var logs: String?

    public init(index: Int, outcome: CallOutcome, timings: CallTimings = CallTimings(), attempts: Int = 0, logs: String? = nil) {
        self.index = index
        self.outcome = outcome
        self.timings = timings
        self.attempts = attempts
        self.logs = logs
    }
}

/// How far a job is: calls ended (`done`, failures included), those that failed (a function error or no
/// result), and calls in all.
public struct JobProgress: Sendable, Equatable {
    public var done: Int
    public var failed: Int
    public var total: Int

    public init(done: Int, failed: Int, total: Int) {
        self.done = done
        self.failed = failed
        self.total = total
    }

    public var isComplete: Bool { done >= total }
}

/// Counts for a job, as they stand.
public struct JobStatistics: Sendable, Equatable {
    public var total = 0
    public var succeeded = 0
    public var functionErrors = 0
    public var failures = 0
    /// Invoke requests sent, retries and throttled ones included.
    public var invocations = 0
    /// Invocations the service took: answered 202 (detached) or with the function's answer (sync). With
    /// `invocations` it shows how far sending has got while no call has ended yet.
    public var accepted = 0
    /// Invocations sent again after a failed attempt (not counting throttles).
    public var retries = 0
    /// Invocations refused with 429 or 503 and sent again after a backoff.
    public var throttles = 0
    /// Status objects or answers for calls already counted (a worker run twice), ignored.
    public var duplicates = 0
    /// Listings of the status prefix (each of all its pages from the first call without a status) and status or
    /// output objects read.
    public var statusListings = 0
    public var objectsRead = 0
    /// The lowest in-flight limit the throttling brought the job to.
    public var lowestConcurrency = 0
    /// Seconds from the start of the job until its last call ended (or until now, while it runs).
    public var duration = 0.0

    public init() {}
}
