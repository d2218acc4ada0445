// Sends a request through the HTTP client until it succeeds, fails for good, or
// the retry budget is spent; signs each attempt afresh and keeps the circuit
// breaker informed. Clock, sleep and randomness are injected for tests.
import OFSigning
import Glibc

public final class RetryingExecutor: Sendable {
    /// What the executor needs from the outside world.
    public struct Environment: Sendable {
        /// A monotonic clock.
        public var now: @Sendable () -> Duration
        /// Wall-clock seconds since the epoch, to read Retry-After dates.
        public var epochSeconds: @Sendable () -> Int
        public var sleep: @Sendable (Duration) async throws -> Void
        /// Uniform in [0, 1).
        public var random: @Sendable () -> Double

        public init(
            now: @escaping @Sendable () -> Duration, epochSeconds: @escaping @Sendable () -> Int,
            sleep: @escaping @Sendable (Duration) async throws -> Void, random: @escaping @Sendable () -> Double
        ) {
            self.now = now
            self.epochSeconds = epochSeconds
            self.sleep = sleep
            self.random = random
        }

        public static let live: Environment = {
            let origin = ContinuousClock.now
            return Environment(
                now: { ContinuousClock.now - origin }, epochSeconds: { Int(time(nil)) },
                sleep: { try await Task.sleep(for: $0) }, random: { Double.random(in: 0..<1) })
        }()
    }

    public let client: HTTPClient
    public let retry: RetryConfiguration
    private let breaker: CircuitBreaker
    public let environment: Environment

    /// Retries and the circuit breaker follow `transport` (the client's configuration when nil): clients of
    /// several services share one HTTP client, each with its section's retry settings.
    public init(client: HTTPClient, transport: TransportConfiguration? = nil, environment: Environment = .live) {
        let transport = transport ?? client.configuration
        self.client = client
        self.retry = transport.retry
        self.breaker = CircuitBreaker(configuration: transport.circuitBreaker)
        self.environment = environment
    }

    /// Sends `request`, authorized anew for each attempt, retrying as `mode` allows.
    /// Returns the last answer, which is an error answer when retries did not help;
    /// throws the last TransportError, or what the authorizer threw. `errorCode` reads
    /// the service's error code from an error answer (for 409 IncorrectState and the like).
    /// The circuit breaker guards idempotent calls only: an invocation's 429 says the
    /// function's concurrency is used up, which the caller paces, not that the host fails.
    /// A 401 whose credentials the authorizer renews is sent once more at once, whatever
    /// the mode: the service refused it before running anything.
    public func execute(
        _ request: HTTPRequest, mode: RetryMode, authorizer: (any RequestAuthorizer)? = nil,
        errorCode: @Sendable (HTTPResponse) -> String? = { _ in nil }
    ) async throws -> HTTPResponse {
        let start = environment.now()
        let host = Self.hostKey(request.url)
        let guarded = mode == .idempotent
        var attempt = 0
        var renewedCredentials = false
        while true {
            attempt += 1
            if Task.isCancelled { throw TransportError.cancelled }
            let result: Result<HTTPResponse, TransportError>
            var authorized = request
            if guarded && !breaker.admit(host: host, now: environment.now()) {
                result = .failure(TransportError(
                    kind: .circuitOpen,
                    description: "\(request.method) \(request.url): not sent, \(host) failed \(breaker.configuration.failureThreshold) times in a row; calls resume after \(breaker.configuration.recoveryTimeout)",
                    requestSent: false))
            } else {
                authorized = try authorizer?.authorize(request) ?? request
                do {
                    result = .success(try await client.execute(authorized))
                } catch {
                    result = .failure(error)
                }
            }
            let outcome: AttemptOutcome
            switch result {
            case .success(let response):
                outcome = .answered(status: response.status, code: response.isSuccess ? nil : errorCode(response))
            case .failure(let error) where error.kind == .cancelled:
                if guarded { breaker.abandon(host: host) }
                throw error
            case .failure(let error):
                outcome = .failed(error)
            }
            let refusedByBreaker = if case .failed(let e) = outcome { e.kind == .circuitOpen } else { false }
            if guarded && !refusedByBreaker { breaker.record(host: host, outcome: outcome, now: environment.now()) }

            if case .success(let response) = result, response.status == 401, !renewedCredentials,
                let authorizer, authorizer.unauthorized(authorized)
            {
                renewedCredentials = true
                client.logger.info("sending \(request.method) \(request.url) again at once with renewed credentials after HTTP 401 (attempt \(attempt + 1))")
                continue
            }

            guard attempt < retry.maxAttempts, retry.isRetryable(outcome, mode: mode) else {
                var response = try result.get()
                response.attempts = attempt
                return response
            }
            var delay = retry.backoff.delay(afterAttempt: attempt, random: environment.random())
            if retry.honorsRetryAfter, case .success(let response) = result, let value = response.headers["retry-after"],
                let asked = RetryAfter.parse(value, now: environment.epochSeconds(), parseDate: HTTPDate.parse)
            {
                delay = max(delay, asked)
            }
            guard environment.now() - start + delay <= retry.totalTime else {
                client.logger.info("giving up on \(request.method) \(request.url) after \(attempt) attempts: the next wait of \(delay) would pass the retry budget of \(retry.totalTime)")
                var response = try result.get()
                response.attempts = attempt
                return response
            }
            client.logger.info("retrying \(request.method) \(request.url) in \(delay) after \(Self.describe(outcome)) (attempt \(attempt + 1) of \(retry.maxAttempts))")
            do {
                try await environment.sleep(delay)
            } catch {
                throw TransportError.cancelled
            }
        }
    }

    /// scheme://authority of a URL: the unit the circuit breaker tracks.
    static func hostKey(_ url: String) -> String {
        guard let scheme = url.firstRange(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        return String(url[..<end])
    }

    private static func describe(_ outcome: AttemptOutcome) -> String {
        switch outcome {
        case .answered(let status, let code): "HTTP \(status)" + (code.map { " \($0)" } ?? "")
        case .failed(let error): error.description
        }
    }
}
