import Foundation
import OFTransport
import XCTest

/// An environment whose sleeps return at once and move a fake clock, and whose
/// randomness is fixed: attempt counts and waits become exact.
final class FakeTime: @unchecked Sendable {
    private let lock = NSLock()
    private var elapsed: Duration = .zero
    private var slept: [Duration] = []
    let random: Double
    let epoch = 1_780_000_000

    init(random: Double = 0.5) { self.random = random }

    var sleeps: [Duration] { lock.withLock { slept } }
    func advance(_ d: Duration) { lock.withLock { elapsed += d } }

    var environment: RetryingExecutor.Environment {
        RetryingExecutor.Environment(
            now: { self.lock.withLock { self.elapsed } },
            epochSeconds: { self.epoch + Int(self.lock.withLock { self.elapsed }.components.seconds) },
            sleep: { d in
                self.lock.withLock {
                    self.slept.append(d)
                    self.elapsed += d
                }
            },
            random: { self.random })
    }
}

final class BackoffTests: XCTestCase {
    func testFullJitterScalesTheCappedExponential() {
        let backoff = Backoff()
        XCTAssertEqual(backoff.delay(afterAttempt: 1, random: 0.5), .seconds(0.5))
        XCTAssertEqual(backoff.delay(afterAttempt: 2, random: 0.5), .seconds(1))
        XCTAssertEqual(backoff.delay(afterAttempt: 5, random: 0.5), .seconds(8))
        XCTAssertEqual(backoff.delay(afterAttempt: 6, random: 0.999), .seconds(30 * 0.999))
        XCTAssertEqual(backoff.delay(afterAttempt: 40, random: 1), .seconds(30), "capped at 30 s however many attempts")
        XCTAssertEqual(backoff.delay(afterAttempt: 3, random: 0), .zero)
    }

    func testAdditiveJitterIsTheSDKFormula() {
        // oci SDK: min(1 * 2**(n-1) + uniform(0, 1), 30)
        let sdk = Backoff(jitter: .additive(.seconds(1)))
        XCTAssertEqual(sdk.delay(afterAttempt: 1, random: 0.25), .seconds(1.25))
        XCTAssertEqual(sdk.delay(afterAttempt: 4, random: 0.5), .seconds(8.5))
        XCTAssertEqual(sdk.delay(afterAttempt: 6, random: 0.5), .seconds(30))
        XCTAssertEqual(Backoff(jitter: .none).delay(afterAttempt: 3, random: 0.9), .seconds(4))
    }

    func testWhatIsRetried() {
        let retry = RetryConfiguration()
        let notSent = TransportError(kind: .connectFailed, description: "", requestSent: false)
        let lost = TransportError(kind: .connectionLost, description: "", requestSent: true)
        let timedOut = TransportError(kind: .timedOut, description: "", requestSent: true)
        let tls = TransportError(kind: .tls, description: "", requestSent: false)
        let table: [(AttemptOutcome, idempotent: Bool, invoke: Bool)] = [
            (.answered(status: 429, code: "TooManyRequests"), true, true),
            (.answered(status: 503, code: nil), true, true),
            (.answered(status: 500, code: nil), true, false),
            (.answered(status: 502, code: "FunctionInvokeExecutionFailed"), true, false),
            (.answered(status: 504, code: "FunctionInvokeTimeout"), true, false),
            (.answered(status: 501, code: nil), false, false),
            (.answered(status: 409, code: "IncorrectState"), true, false),
            (.answered(status: 409, code: "LockConflict"), true, false),
            (.answered(status: 409, code: "BucketAlreadyExists"), false, false),
            (.answered(status: 404, code: "NotAuthorizedOrNotFound"), false, false),
            (.answered(status: 401, code: "NotAuthenticated"), false, false),
            (.answered(status: 413, code: nil), false, false),
            (.failed(notSent), true, true),
            (.failed(lost), true, false),
            (.failed(timedOut), true, false),
            (.failed(tls), false, false),
            (.failed(.cancelled), false, false),
        ]
        for (outcome, idempotent, invoke) in table {
            XCTAssertEqual(retry.isRetryable(outcome, mode: .idempotent), idempotent, "\(outcome) idempotent")
            XCTAssertEqual(retry.isRetryable(outcome, mode: .invoke), invoke, "\(outcome) invoke")
            XCTAssertFalse(retry.isRetryable(outcome, mode: .never))
        }
    }

    func testDefaultsAreTheSDKs() {
        let c = TransportConfiguration()
        XCTAssertEqual(c.retry.maxAttempts, 8)
        XCTAssertEqual(c.retry.totalTime, .seconds(600))
        XCTAssertEqual(c.retry.backoff.cap, .seconds(30))
        XCTAssertEqual(c.timeouts.connect, .seconds(10))
        XCTAssertEqual(c.timeouts.read, .seconds(60))
        XCTAssertEqual(c.circuitBreaker.failureThreshold, 10)
        XCTAssertEqual(c.circuitBreaker.recoveryTimeout, .seconds(30))
    }
}

final class RetryingExecutorTests: XCTestCase {
    var server: LoopbackServer!

    override func setUpWithError() throws { server = try LoopbackServer() }
    override func tearDown() { server?.stop() }

    private func executor(_ retry: RetryConfiguration = RetryConfiguration(), breaker: CircuitBreakerConfiguration = .disabled,
                          time: FakeTime, log: LogCapture? = nil) throws -> RetryingExecutor {
        let logger = log.map { capture in Logger(level: .debug) { _, line in capture.append(line) } } ?? .disabled
        let client = try HTTPClient(configuration: TransportConfiguration(retry: retry, circuitBreaker: breaker), logger: logger)
        return RetryingExecutor(client: client, environment: time.environment)
    }

    private func hits(_ id: String) async throws -> Int {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let response = try await client.execute(HTTPRequest(method: "GET", url: server.url("/count/\(id)")))
        return Int(String(decoding: response.body, as: UTF8.self)) ?? -1
    }

    func testRetries503WithBackoffUntilSuccess() async throws {
        let time = FakeTime(random: 0.5)
        let log = LogCapture()
        let executor = try executor(time: time, log: log)
        let response = try await executor.execute(HTTPRequest(method: "GET", url: server.url("/flaky/a?fail=3&status=503")), mode: .idempotent)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.attempts, 4)
        XCTAssertEqual(time.sleeps, [.seconds(0.5), .seconds(1), .seconds(2)])
        let hitCount = try await hits("a")
        XCTAssertEqual(hitCount, 4)
        XCTAssertEqual(log.lines.filter { $0.hasPrefix("retrying GET") }.count, 3)
    }

    func testGivesUpAfterMaxAttemptsWithCappedDelays() async throws {
        let time = FakeTime()
        let executor = try executor(RetryConfiguration(backoff: Backoff(jitter: .none)), time: time)
        let response = try await executor.execute(HTTPRequest(method: "GET", url: server.url("/flaky/b?fail=100&status=500")), mode: .idempotent)
        XCTAssertEqual(response.status, 500, "the last error answer is returned")
        XCTAssertEqual(response.attempts, 8)
        XCTAssertEqual(time.sleeps, [1, 2, 4, 8, 16, 30, 30].map { Duration.seconds($0) })
        let hitCount = try await hits("b")
        XCTAssertEqual(hitCount, 8)
    }

    func testStopsWhenTheTotalTimeWouldPass() async throws {
        let time = FakeTime()
        let executor = try executor(RetryConfiguration(totalTime: .seconds(20), backoff: Backoff(jitter: .none)), time: time)
        let response = try await executor.execute(HTTPRequest(method: "GET", url: server.url("/flaky/c?fail=100&status=429")), mode: .idempotent)
        XCTAssertEqual(response.status, 429)
        XCTAssertEqual(response.attempts, 5, "1+2+4+8 = 15 s waited; 16 s more would pass 20 s")
        XCTAssertEqual(time.sleeps, [1, 2, 4, 8].map { Duration.seconds($0) })
    }

    func testRetryAfterIsHonoured() async throws {
        let time = FakeTime(random: 0.5)
        let executor = try executor(time: time)
        let response = try await executor.execute(
            HTTPRequest(method: "GET", url: server.url("/flaky/d?fail=2&status=429&retry_after=7")), mode: .idempotent)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.attempts, 3)
        XCTAssertEqual(time.sleeps, [.seconds(7), .seconds(7)])
    }

    func testInvokeIsRetriedOnlyOn429And503() async throws {
        let time = FakeTime(random: 0)
        let executor = try executor(time: time)
        let throttled = try await executor.execute(HTTPRequest(method: "POST", url: server.url("/flaky/e?fail=2&status=429"), body: .bytes([1])), mode: .invoke)
        XCTAssertEqual(throttled.attempts, 3)
        let busy = try await executor.execute(HTTPRequest(method: "POST", url: server.url("/flaky/f?fail=1&status=503"), body: .bytes([1])), mode: .invoke)
        XCTAssertEqual(busy.attempts, 2)
        let failed = try await executor.execute(HTTPRequest(method: "POST", url: server.url("/flaky/g?fail=1&status=502"), body: .bytes([1])), mode: .invoke)
        XCTAssertEqual(failed.status, 502)
        XCTAssertEqual(failed.attempts, 1, "a failed function is not run again")
        let hitCount = try await hits("g")
        XCTAssertEqual(hitCount, 1)
    }

    func testConflictCodeDecidesA409() async throws {
        let time = FakeTime(random: 0)
        let executor = try executor(time: time)
        let code: @Sendable (HTTPResponse) -> String? = { r in
            (try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])?["code"] as? String
        }
        let state = try await executor.execute(
            HTTPRequest(method: "PUT", url: server.url("/flaky/h?fail=2&status=409&code=IncorrectState"), body: .bytes([1])),
            mode: .idempotent, errorCode: code)
        XCTAssertEqual(state.attempts, 3)
        let exists = try await executor.execute(
            HTTPRequest(method: "PUT", url: server.url("/flaky/i?fail=2&status=409&code=BucketAlreadyExists"), body: .bytes([1])),
            mode: .idempotent, errorCode: code)
        XCTAssertEqual(exists.status, 409)
        XCTAssertEqual(exists.attempts, 1)
    }

    func testConnectionFailuresAreRetriedAndThenThrown() async throws {
        let time = FakeTime(random: 0)
        let executor = try executor(RetryConfiguration(maxAttempts: 3), time: time)
        let port = try closedPort()
        for mode in [RetryMode.idempotent, .invoke] {
            do {
                _ = try await executor.execute(HTTPRequest(method: "POST", url: "http://127.0.0.1:\(port)/x", body: .bytes([1])), mode: mode)
                XCTFail("expected a connect failure")
            } catch let error as TransportError {
                XCTAssertEqual(error.kind, .connectFailed)
            }
        }
        XCTAssertEqual(time.sleeps.count, 4, "two retries for each mode")
    }

    func testInvokeIsNotRetriedOnceTheRequestWasSent() async throws {
        var retry = RetryConfiguration(maxAttempts: 3)
        retry.backoff = Backoff(jitter: .none)
        let time = FakeTime()
        let executor = try executor(retry, time: time)
        do {
            _ = try await executor.execute(HTTPRequest(method: "POST", url: server.url("/drop"), body: .bytes([1])), mode: .invoke)
            XCTFail("expected the connection to drop")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .connectionLost)
        }
        XCTAssertEqual(time.sleeps, [])
    }

    func testEachAttemptIsAuthorizedAgain() async throws {
        let authorizer = CountingAuthorizer()
        let executor = try executor(time: FakeTime())
        let response = try await executor.execute(
            HTTPRequest(method: "GET", url: server.url("/flaky/j?fail=2&status=500")), mode: .idempotent, authorizer: authorizer)
        XCTAssertEqual(response.attempts, 3)
        XCTAssertEqual(authorizer.count, 3)
    }

    func testCircuitBreakerOpensAfterConsecutiveFailures() async throws {
        let time = FakeTime()
        let breaker = CircuitBreakerConfiguration(failureThreshold: 3, recoveryTimeout: .seconds(1000))
        let executor = try executor(RetryConfiguration(maxAttempts: 6, backoff: Backoff(jitter: .none)), breaker: breaker, time: time)
        do {
            _ = try await executor.execute(HTTPRequest(method: "GET", url: server.url("/flaky/k?fail=100&status=500")), mode: .idempotent)
            XCTFail("expected the circuit to open")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .circuitOpen)
            XCTAssertFalse(error.requestSent)
            XCTAssertTrue(error.description.contains("failed 3 times in a row"), error.description)
        }
        let hitCount = try await hits("k")
        XCTAssertEqual(hitCount, 3, "calls stop reaching the host once the circuit is open")
        // Other hosts are not affected; invocations are not guarded.
        let other = try await executor.execute(HTTPRequest(method: "GET", url: "http://localhost:\(server.port)/echo"), mode: .idempotent)
        XCTAssertEqual(other.status, 200)
        let invoke = try await executor.execute(HTTPRequest(method: "POST", url: server.url("/echo"), body: .bytes([1])), mode: .invoke)
        XCTAssertEqual(invoke.status, 200)
    }
}

final class CountingAuthorizer: RequestAuthorizer, @unchecked Sendable {
    private let lock = NSLock()
    private var calls = 0
    var count: Int { lock.withLock { calls } }

    func authorize(_ request: HTTPRequest) throws -> HTTPRequest {
        var r = request
        let n = lock.withLock {
            calls += 1
            return calls
        }
        r.headers.set("x-attempt", String(n))
        return r
    }
}
