import NIOCore
import XCTest

@testable import OFEmulator

/// The connection caps and the deadlines of one connection, as pure state (the wire is tested in
/// Tests/conformance/test_hostile_http.py).
final class ConnectionGuardTests: XCTestCase {
    private var limits: ConnectionLimits {
        var limits = ConnectionLimits()
        limits.headerTimeout = .seconds(10)
        limits.bodyTimeout = .seconds(20)
        limits.idleTimeout = .seconds(30)
        return limits
    }

    private func at(_ seconds: Int64) -> NIODeadline {
        .uptimeNanoseconds(UInt64(1_000 + seconds) * 1_000_000_000)
    }

    func testCountsRefuseBeyondEachCapAndRecoverOnRelease() {
        var counts = ConnectionCounts(maxTotal: 3, maxPerClient: 2)
        XCTAssertNil(counts.admit(client: "a"))
        XCTAssertNil(counts.admit(client: "a"))
        XCTAssertEqual(counts.admit(client: "a"), .tooManyFromClient(limit: 2))
        XCTAssertNil(counts.admit(client: "b"))
        XCTAssertEqual(counts.admit(client: "c"), .tooManyConnections(limit: 3))
        XCTAssertEqual(counts.total, 3, "a refusal counts nothing")
        counts.release(client: "a")
        XCTAssertNil(counts.admit(client: "c"))
        counts.release(client: "a")
        counts.release(client: "b")
        counts.release(client: "c")
        XCTAssertEqual(counts.total, 0)
        XCTAssertEqual(counts.byClient, [:], "clients with no connection are forgotten")
    }

    func testRefusalsNameTheCapAndTheOption() {
        XCTAssertTrue(ConnectionCounts.Refusal.tooManyConnections(limit: 7).message.contains("--max-connections"))
        XCTAssertTrue(ConnectionCounts.Refusal.tooManyFromClient(limit: 7).message.contains("--max-connections-per-client"))
    }

    func testTheCapFitsTheDescriptorLimit() {
        var limits = ConnectionLimits()
        limits.maxConnections = 4096
        XCTAssertEqual(limits.effectiveMaxConnections(descriptorLimit: nil), 4096)
        XCTAssertEqual(limits.effectiveMaxConnections(descriptorLimit: 1024), 1024 - ConnectionLimits.reservedDescriptors)
        XCTAssertEqual(limits.effectiveMaxConnections(descriptorLimit: 100_000), 4096)
        XCTAssertEqual(limits.effectiveMaxConnections(descriptorLimit: 10), 1)
    }

    func testAnIdleConnectionExpiresAfterTheIdleTimeout() {
        let clock = ConnectionClock(now: at(0))
        XCTAssertEqual(clock.deadline(limits)?.at, at(30))
        XCTAssertEqual(clock.deadline(limits)?.expiry, .idle)
    }

    func testTheHeaderTimeoutRunsFromTheFirstByte() {
        var clock = ConnectionClock(now: at(0))
        clock.bytesArrived(at: at(5))
        clock.bytesArrived(at: at(8))
        XCTAssertEqual(clock.deadline(limits)?.at, at(15), "later bytes of the head do not extend it")
        XCTAssertEqual(clock.deadline(limits)?.expiry, .header)
    }

    func testTheBodyTimeoutRunsFromTheLastByte() {
        var clock = ConnectionClock(now: at(0))
        clock.receiveHead(at: at(1))
        clock.bodyRead(at: at(4))
        clock.bytesArrived(at: at(6))
        XCTAssertEqual(clock.deadline(limits)?.at, at(26))
        XCTAssertEqual(clock.deadline(limits)?.expiry, .body)
    }

    func testNoDeadlineWhileAnswering() {
        var clock = ConnectionClock(now: at(0))
        clock.receiveHead(at: at(1))
        clock.endRead(at: at(2))
        XCTAssertNil(clock.deadline(limits), "an invocation may run for minutes")
        clock.bytesArrived(at: at(3))
        XCTAssertNil(clock.deadline(limits), "a pipelined request waits for the answer before it")
        clock.answerSent(at: at(100))
        XCTAssertEqual(clock.deadline(limits)?.at, at(13))
        XCTAssertEqual(clock.deadline(limits)?.expiry, .header)
    }

    func testKeepAliveRestartsAfterEachAnswer() {
        var clock = ConnectionClock(now: at(0))
        clock.receiveHead(at: at(1))
        clock.endRead(at: at(1))
        clock.answerSent(at: at(50))
        XCTAssertEqual(clock.deadline(limits)?.at, at(80))
        XCTAssertEqual(clock.deadline(limits)?.expiry, .idle)
    }

    func testAnAnswerBeforeTheBodyLeavesTheBodyTimeoutRunning() {
        var clock = ConnectionClock(now: at(0))
        clock.receiveHead(at: at(1))
        clock.answerSent(at: at(2))
        XCTAssertEqual(clock.deadline(limits)?.expiry, .body)
        clock.outputClosed(at: at(2))
        XCTAssertEqual(clock.deadline(limits)?.at, at(2) + ConnectionClock.linger)
        XCTAssertEqual(clock.deadline(limits)?.expiry, .linger)
        clock.bodyRead(at: at(3))
        XCTAssertEqual(clock.deadline(limits)?.expiry, .linger, "what a closing connection still receives does not extend it")
    }
}

private extension ConnectionClock {
    /// A request's head arriving in one read.
    mutating func receiveHead(at now: NIODeadline) {
        self.bytesArrived(at: now)
        self.headRead(at: now)
    }
}
