// The oci SDK's circuit breaker, per host: after `failureThreshold` transient
// failures in a row the circuit opens and calls to that host fail at once for
// `recoveryTimeout`; then one trial call is let through (half-open), whose
// success closes the circuit and whose failure opens it again.
import OFLocking

public struct CircuitBreakerConfiguration: Sendable, Equatable {
    /// Default true.
    public var isEnabled: Bool
    /// Consecutive transient failures that open the circuit. Default 10.
    public var failureThreshold: Int
    /// How long an open circuit refuses calls before a trial. Default 30 s.
    public var recoveryTimeout: Duration
    /// Answers that count as transient failures. Default 429, 500, 502, 503, 504.
    public var transientStatuses: Set<Int>
    /// 409 codes that count as transient failures. Default IncorrectState, LockConflict.
    public var transientConflictCodes: Set<String>

    public init(
        isEnabled: Bool = true, failureThreshold: Int = 10, recoveryTimeout: Duration = .seconds(30),
        transientStatuses: Set<Int> = [429, 500, 502, 503, 504],
        transientConflictCodes: Set<String> = ["IncorrectState", "LockConflict"]
    ) {
        self.isEnabled = isEnabled
        self.failureThreshold = failureThreshold
        self.recoveryTimeout = recoveryTimeout
        self.transientStatuses = transientStatuses
        self.transientConflictCodes = transientConflictCodes
    }

    public static let disabled = CircuitBreakerConfiguration(isEnabled: false)

    func isTransientFailure(_ outcome: AttemptOutcome) -> Bool {
        switch outcome {
        case .answered(let status, let code):
            transientStatuses.contains(status) || (status == 409 && code.map(transientConflictCodes.contains) == true)
        case .failed(let error):
            [.connectFailed, .timedOut, .connectionLost].contains(error.kind)
        }
    }
}

final class CircuitBreaker: Sendable {
    enum Circuit: Equatable {
        case closed(failures: Int)
        case open(until: Duration)
        case halfOpen(trialRunning: Bool)
    }

    let configuration: CircuitBreakerConfiguration
    private let circuits = Locked<[String: Circuit]>([:])

    init(configuration: CircuitBreakerConfiguration) { self.configuration = configuration }

    /// Whether a call to `host` may go out now (`now` on a monotonic clock).
    func admit(host: String, now: Duration) -> Bool {
        guard configuration.isEnabled else { return true }
        return circuits.withLock { all in
            switch all[host] ?? .closed(failures: 0) {
            case .closed: return true
            case .open(let until) where now >= until:
                all[host] = .halfOpen(trialRunning: true)
                return true
            case .open: return false
            case .halfOpen(let trialRunning):
                if trialRunning { return false }
                all[host] = .halfOpen(trialRunning: true)
                return true
            }
        }
    }

    func record(host: String, outcome: AttemptOutcome, now: Duration) {
        guard configuration.isEnabled else { return }
        let failed = configuration.isTransientFailure(outcome)
        circuits.withLock { all in
            switch (all[host] ?? .closed(failures: 0), failed) {
            case (_, false):
                all[host] = nil
            case (.closed(let failures), true) where failures + 1 >= configuration.failureThreshold:
                all[host] = .open(until: now + configuration.recoveryTimeout)
            case (.halfOpen, true):
                all[host] = .open(until: now + configuration.recoveryTimeout)
            case (.closed(let failures), true):
                all[host] = .closed(failures: failures + 1)
            case (.open, true):
                break
            }
        }
    }

    /// A call that was admitted ended without an outcome (it was cancelled): let the next one try.
    func abandon(host: String) {
        circuits.withLock { all in
            if case .halfOpen = all[host] { all[host] = .halfOpen(trialRunning: false) }
        }
    }

    func state(host: String) -> Circuit { circuits.withLock { $0[host] ?? .closed(failures: 0) } }
}
