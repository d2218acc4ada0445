// When a failed attempt is tried again, and after how long: the oci SDK's
// default strategy, as pure functions of the outcome.

/// Which failures a request may be retried on.
public enum RetryMode: Sendable, Equatable {
    /// Calls that may be repeated: 429, 409 with a retryable code, 5xx except 501,
    /// and connection failures.
    case idempotent
    /// A function invocation, which must not run twice: only 429, 503, and failures
    /// before the request reached the server.
    case invoke
    /// One attempt only.
    case never
}

public struct RetryConfiguration: Sendable, Equatable {
    /// Attempts in all, the first included. Default 8.
    public var maxAttempts: Int
    /// No retry starts after this much time since the first attempt. Default 600 s.
    public var totalTime: Duration
    public var backoff: Backoff
    /// Wait as long as a 429 or 503 answer's Retry-After asks (within `totalTime`).
    public var honorsRetryAfter: Bool
    /// OCI error codes that make a 409 retryable. Default IncorrectState, LockConflict.
    public var retryableConflictCodes: Set<String>

    public init(
        maxAttempts: Int = 8, totalTime: Duration = .seconds(600), backoff: Backoff = Backoff(),
        honorsRetryAfter: Bool = true, retryableConflictCodes: Set<String> = ["IncorrectState", "LockConflict"]
    ) {
        self.maxAttempts = maxAttempts
        self.totalTime = totalTime
        self.backoff = backoff
        self.honorsRetryAfter = honorsRetryAfter
        self.retryableConflictCodes = retryableConflictCodes
    }

    /// A single attempt for everything.
    public static let disabled = RetryConfiguration(maxAttempts: 1)

    /// The answers that say "too much at once, send later": 429, and 503 (Functions' capacity is full). An
    /// invocation answered so did not run, so it may always be sent again.
    public static func isThrottle(status: Int) -> Bool { status == 429 || status == 503 }

    /// Whether an attempt that ended this way may be tried again in `mode`.
    public func isRetryable(_ outcome: AttemptOutcome, mode: RetryMode) -> Bool {
        switch (mode, outcome) {
        case (.never, _):
            return false
        case (.idempotent, .answered(let status, let code)):
            return status == 429 || (status == 409 && code.map(retryableConflictCodes.contains) == true)
                || ((500...599).contains(status) && status != 501)
        case (.invoke, .answered(let status, _)):
            return Self.isThrottle(status: status)
        case (.idempotent, .failed(let error)):
            return [.connectFailed, .timedOut, .connectionLost, .circuitOpen].contains(error.kind)
        case (.invoke, .failed(let error)):
            return !error.requestSent && [.connectFailed, .timedOut, .connectionLost, .circuitOpen].contains(error.kind)
        }
    }
}

/// How an attempt ended, as far as retrying cares.
public enum AttemptOutcome: Sendable, Equatable {
    /// The server answered with this status and, for an error, this OCI code.
    case answered(status: Int, code: String?)
    case failed(TransportError)
}

/// Exponential backoff: attempt n (from 1) is followed by a wait of base × multiplierⁿ⁻¹,
/// capped, with jitter.
public struct Backoff: Sendable, Equatable {
    public enum Jitter: Sendable, Equatable {
        /// A uniformly random wait between zero and the capped exponential delay, which
        /// spreads many clients' retries the most (the default).
        case full
        /// The capped exponential delay plus up to this much more, as the oci SDK does
        /// (1 s), then capped again.
        case additive(Duration)
        case none
    }

    /// Default 1 s.
    public var base: Duration
    /// Default 2.
    public var multiplier: Double
    /// Default 30 s.
    public var cap: Duration
    public var jitter: Jitter

    public init(base: Duration = .seconds(1), multiplier: Double = 2, cap: Duration = .seconds(30), jitter: Jitter = .full) {
        self.base = base
        self.multiplier = multiplier
        self.cap = cap
        self.jitter = jitter
    }

    /// The wait after failed attempt `attempt` (1-based), `random` drawn uniformly from [0, 1).
    public func delay(afterAttempt attempt: Int, random: Double) -> Duration {
        let r = min(max(random, 0), 1)
        let capSeconds = cap.seconds
        var exponential = base.seconds
        for _ in 1..<max(1, attempt) where exponential < capSeconds { exponential *= multiplier }
        exponential = min(exponential, capSeconds)
        switch jitter {
        case .full: return .seconds(exponential * r)
        case .additive(let extra): return .seconds(min(exponential + extra.seconds * r, capSeconds))
        case .none: return .seconds(exponential)
        }
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

enum RetryAfter {
    /// A Retry-After value: delta-seconds, or an HTTP date compared with `now` (epoch seconds).
    static func parse(_ value: String, now: Int, parseDate: (String) -> Int?) -> Duration? {
        let text = value.trimmingSpaces
        if let seconds = Int(text) { return seconds >= 0 ? .seconds(seconds) : nil }
        guard let date = parseDate(text) else { return nil }
        return .seconds(max(0, date - now))
    }
}
