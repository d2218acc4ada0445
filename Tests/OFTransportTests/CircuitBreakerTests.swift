@testable import OFTransport
import XCTest

final class CircuitBreakerTests: XCTestCase {
    let host = "https://objectstorage.eu-madrid-1.oraclecloud.com"
    let failure = AttemptOutcome.answered(status: 503, code: nil)
    let success = AttemptOutcome.answered(status: 200, code: nil)

    func testOpensHalfOpensAndCloses() {
        let breaker = CircuitBreaker(configuration: CircuitBreakerConfiguration(failureThreshold: 2, recoveryTimeout: .seconds(10)))
        XCTAssertTrue(breaker.admit(host: host, now: .seconds(0)))
        breaker.record(host: host, outcome: failure, now: .seconds(0))
        XCTAssertEqual(breaker.state(host: host), .closed(failures: 1))
        breaker.record(host: host, outcome: failure, now: .seconds(1))
        XCTAssertEqual(breaker.state(host: host), .open(until: .seconds(11)))
        XCTAssertFalse(breaker.admit(host: host, now: .seconds(5)))
        XCTAssertTrue(breaker.admit(host: "https://other.example", now: .seconds(5)), "circuits are per host")

        XCTAssertTrue(breaker.admit(host: host, now: .seconds(11)), "one trial after the recovery timeout")
        XCTAssertFalse(breaker.admit(host: host, now: .seconds(11)), "only one trial at a time")
        breaker.record(host: host, outcome: failure, now: .seconds(12))
        XCTAssertEqual(breaker.state(host: host), .open(until: .seconds(22)), "a failed trial opens the circuit again")

        XCTAssertTrue(breaker.admit(host: host, now: .seconds(23)))
        breaker.record(host: host, outcome: success, now: .seconds(23))
        XCTAssertEqual(breaker.state(host: host), .closed(failures: 0))
        XCTAssertTrue(breaker.admit(host: host, now: .seconds(23)))
    }

    func testSuccessResetsTheCountAndNonTransientErrorsDoNotCount() {
        let breaker = CircuitBreaker(configuration: CircuitBreakerConfiguration(failureThreshold: 2))
        breaker.record(host: host, outcome: failure, now: .zero)
        breaker.record(host: host, outcome: success, now: .zero)
        breaker.record(host: host, outcome: failure, now: .zero)
        XCTAssertEqual(breaker.state(host: host), .closed(failures: 1))
        breaker.record(host: host, outcome: .answered(status: 404, code: "NotFound"), now: .zero)
        breaker.record(host: host, outcome: .answered(status: 409, code: "BucketAlreadyExists"), now: .zero)
        XCTAssertEqual(breaker.state(host: host), .closed(failures: 0))
        breaker.record(host: host, outcome: .answered(status: 409, code: "IncorrectState"), now: .zero)
        breaker.record(host: host, outcome: .failed(TransportError(kind: .connectFailed, description: "", requestSent: false)), now: .zero)
        XCTAssertEqual(breaker.state(host: host), .open(until: .seconds(30)))
    }

    func testAbandonedTrialLetsTheNextOneThrough() {
        let breaker = CircuitBreaker(configuration: CircuitBreakerConfiguration(failureThreshold: 1, recoveryTimeout: .seconds(1)))
        breaker.record(host: host, outcome: failure, now: .zero)
        XCTAssertTrue(breaker.admit(host: host, now: .seconds(2)))
        breaker.abandon(host: host)
        XCTAssertTrue(breaker.admit(host: host, now: .seconds(2)))
    }

    func testDisabledBreakerAdmitsEverything() {
        let breaker = CircuitBreaker(configuration: .disabled)
        for _ in 0..<20 { breaker.record(host: host, outcome: failure, now: .zero) }
        XCTAssertTrue(breaker.admit(host: host, now: .zero))
    }

    func testRetryAfterParsing() {
        XCTAssertEqual(RetryAfter.parse(" 12 ", now: 0, parseDate: { _ in nil }), .seconds(12))
        XCTAssertNil(RetryAfter.parse("-1", now: 0, parseDate: { _ in nil }))
        XCTAssertNil(RetryAfter.parse("soon", now: 0, parseDate: { _ in nil }))
        XCTAssertEqual(RetryAfter.parse("Tue, 02 Jun 2026 10:20:30 GMT", now: 100, parseDate: { _ in 160 }), .seconds(60))
        XCTAssertEqual(RetryAfter.parse("Tue, 02 Jun 2026 10:20:30 GMT", now: 200, parseDate: { _ in 160 }), .zero)
    }

    func testHostKey() {
        XCTAssertEqual(RetryingExecutor.hostKey("https://a.example:8443/n/x?y=1"), "https://a.example:8443")
        XCTAssertEqual(RetryingExecutor.hostKey("http://a.example?x"), "http://a.example")
    }
}
