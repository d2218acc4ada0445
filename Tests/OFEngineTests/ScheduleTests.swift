import XCTest

@testable import OFEngine

/// The dispatch rules, driven with explicit times and randomness.
final class ScheduleTests: XCTestCase {
    private func limits(maxWorkers: Int = 4, retries: Int = 2, throttleRetries: Int = 3, callTimeout: Double = 10) -> InvocationSchedule.Limits {
        InvocationSchedule.Limits(maxWorkers: maxWorkers, retries: retries, throttleRetries: throttleRetries, callTimeout: callTimeout)
    }

    private func drain(_ schedule: inout InvocationSchedule, now: Double) -> [InvocationSchedule.Send] {
        var sends: [InvocationSchedule.Send] = []
        while let send = schedule.nextSend(now: now) { sends.append(send) }
        return sends
    }

    func testChunksCallsAndKeepsAtMostMaxWorkersRunning() {
        var schedule = InvocationSchedule(totalCalls: 10, chunksize: 3, limits: limits(maxWorkers: 2))
        XCTAssertEqual(schedule.invocations.map(\.calls), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]])
        let first = drain(&schedule, now: 0)
        XCTAssertEqual(first.map(\.invocation), [0, 1])
        XCTAssertEqual(schedule.active, 2)
        // a sync answer frees a place; the next invocation goes out
        XCTAssertTrue(schedule.end(0, attempt: 1, .answered(unanswered: []), now: 1, random: 0.5).isEmpty)
        XCTAssertEqual(drain(&schedule, now: 1).map(\.invocation), [2])
        // a detached invocation keeps its place until its calls report
        XCTAssertTrue(schedule.end(1, attempt: 1, .accepted, now: 1, random: 0.5).isEmpty)
        XCTAssertTrue(drain(&schedule, now: 1).isEmpty)
        for call in [3, 4] { schedule.callFinished(call) }
        XCTAssertTrue(drain(&schedule, now: 1).isEmpty, "call 5 has not reported yet")
        schedule.callFinished(5)
        XCTAssertEqual(drain(&schedule, now: 1).map(\.invocation), [3])
    }

    func testCountsOnlyTheSendsTheServiceTook() {
        var schedule = InvocationSchedule(totalCalls: 4, chunksize: 1, limits: limits(maxWorkers: 8))
        XCTAssertEqual(drain(&schedule, now: 0).count, 4)
        _ = schedule.end(0, attempt: 1, .accepted, now: 0, random: 0)
        _ = schedule.end(1, attempt: 1, .answered(unanswered: []), now: 0, random: 0)
        _ = schedule.end(2, attempt: 1, .throttled(reason: "HTTP 429", retryAfter: nil), now: 0, random: 0)
        _ = schedule.end(3, attempt: 1, .failed(reason: "HTTP 500"), now: 0, random: 0)
        _ = schedule.end(0, attempt: 1, .accepted, now: 0, random: 0)
        XCTAssertEqual(schedule.accepted, 2, "a 202 and a sync answer; not a refusal, a failure or a repeated answer")
        XCTAssertEqual(drain(&schedule, now: 100).count, 2, "the refused and the failed invocations go out again")
        XCTAssertEqual(schedule.sent, 6)
    }

    func testRequestsInFlightAreCappedApartFromTheWindow() {
        var limits = limits(maxWorkers: 100)
        limits.maxRequestsInFlight = 3
        var schedule = InvocationSchedule(totalCalls: 10, chunksize: 1, limits: limits)
        XCTAssertEqual(drain(&schedule, now: 0).map(\.invocation), [0, 1, 2], "three requests wait for their answer")
        // an accepted detached invocation keeps its place in the window but its request is done
        XCTAssertTrue(schedule.end(0, attempt: 1, .accepted, now: 0, random: 0).isEmpty)
        XCTAssertTrue(schedule.end(1, attempt: 1, .throttled(reason: "HTTP 429", retryAfter: nil), now: 0, random: 0).isEmpty)
        XCTAssertEqual(schedule.sending, 1)
        XCTAssertEqual(drain(&schedule, now: 0).map(\.invocation), [1, 3], "the refused one (due at once) first, then a fresh one")
        XCTAssertEqual(schedule.active, 4, "0 runs, 1, 2 and 3 are being sent")
    }

    func testThrottlingBacksOffAndHalvesTheWindowOncePerBurst() {
        var schedule = InvocationSchedule(totalCalls: 8, chunksize: 1, limits: limits(maxWorkers: 8))
        let sends = drain(&schedule, now: 0)
        XCTAssertEqual(sends.count, 8)
        // a burst of refusals of invocations sent together shrinks the window once
        for send in sends.prefix(4) {
            XCTAssertTrue(schedule.end(send.invocation, attempt: 1, .throttled(reason: "HTTP 429", retryAfter: nil), now: 0, random: 1).isEmpty)
        }
        XCTAssertEqual(schedule.window.limit, 4)
        XCTAssertEqual(schedule.throttled, 4)
        XCTAssertNil(schedule.nextWakeUp, "the window is full: nothing to wake up for")
        for send in sends.suffix(4) {
            XCTAssertTrue(schedule.end(send.invocation, attempt: 1, .answered(unanswered: []), now: 0.01, random: 0).isEmpty)
        }
        // the refused invocations wait for their backoff (full jitter with random 1: 50 ms after a first refusal)
        XCTAssertEqual(schedule.nextWakeUp ?? -1, 0.05, accuracy: 1e-9)
        XCTAssertTrue(drain(&schedule, now: 0.04).isEmpty, "the retries are not due yet")
        let retried = drain(&schedule, now: 0.1)
        XCTAssertEqual(retried.map(\.invocation), [0, 1, 2, 3])
        XCTAssertEqual(retried.map(\.attempt), [2, 2, 2, 2])
        // a refusal of an invocation sent after the decrease halves the window again
        XCTAssertTrue(schedule.end(0, attempt: 2, .throttled(reason: "HTTP 503", retryAfter: 2), now: 0.2, random: 0).isEmpty)
        XCTAssertEqual(schedule.window.limit, 2)
        XCTAssertEqual(schedule.window.lowest, 2)
        // Retry-After is honoured over a shorter backoff
        for number in [1, 2, 3] {
            XCTAssertTrue(schedule.end(number, attempt: 2, .answered(unanswered: []), now: 0.3, random: 0).isEmpty)
        }
        XCTAssertTrue(drain(&schedule, now: 2.1).isEmpty)
        XCTAssertEqual(drain(&schedule, now: 2.2).map(\.invocation), [0])
    }

    func testSuccessesGrowTheWindowBackToMaxWorkers() {
        var window = ConcurrencyWindow(maximum: 10)
        window.refused(sentEpoch: 0)
        XCTAssertEqual(window.limit, 5)
        window.refused(sentEpoch: 0)
        XCTAssertEqual(window.limit, 5, "a refusal from before the decrease does not count again")
        for _ in 0..<200 { window.succeeded() }
        XCTAssertEqual(window.limit, 10)
        XCTAssertEqual(window.lowest, 5)
    }

    func testThrottledTooOftenFailsWithAReason() {
        var schedule = InvocationSchedule(totalCalls: 1, chunksize: 1, limits: limits(throttleRetries: 2))
        var now = 0.0
        var failed: [(call: Int, reason: String)] = []
        for attempt in 1...3 {
            guard let send = schedule.nextSend(now: now) else { return XCTFail("attempt \(attempt) was not sent") }
            failed = schedule.end(send.invocation, attempt: send.attempt, .throttled(reason: "HTTP 429 TooManyRequests", retryAfter: nil), now: now, random: 0)
            now += 10
        }
        XCTAssertEqual(failed.map(\.call), [0])
        XCTAssertTrue(failed[0].reason.contains("refused its invocation 3 times"), failed[0].reason)
        XCTAssertTrue(schedule.isDrained)
    }

    func testFailedAttemptsRetryUnfinishedCallsThenGiveUp() {
        var schedule = InvocationSchedule(totalCalls: 3, chunksize: 3, limits: limits(retries: 1))
        guard let first = schedule.nextSend(now: 0) else { return XCTFail("nothing sent") }
        XCTAssertTrue(schedule.end(first.invocation, attempt: 1, .accepted, now: 0, random: 0).isEmpty)
        schedule.callFinished(1)
        // no status for calls 0 and 2 within the call timeout: they are sent again, without call 1
        XCTAssertTrue(schedule.expire(now: 10, random: 0).isEmpty)
        XCTAssertEqual(schedule.retried, 1)
        guard let second = schedule.nextSend(now: 10) else { return XCTFail("no retry sent") }
        XCTAssertEqual(second.calls, [0, 2])
        XCTAssertEqual(second.attempt, 2)
        let failed = schedule.end(second.invocation, attempt: 2, .failed(reason: "HTTP 500 InternalServerError"), now: 11, random: 0)
        XCTAssertEqual(failed.map(\.call), [0, 2])
        XCTAssertEqual(failed.first?.reason, "HTTP 500 InternalServerError (after 2 attempts)")
        XCTAssertTrue(schedule.isDrained)
    }

    func testAnAnswerToAnAttemptThatIsNoLongerCurrentChangesNothing() {
        var schedule = InvocationSchedule(totalCalls: 2, chunksize: 2, limits: limits())
        guard let send = schedule.nextSend(now: 0) else { return XCTFail("nothing sent") }
        // both calls report (from an earlier worker run) while the invocation is out
        schedule.callFinished(0)
        schedule.callFinished(1)
        XCTAssertEqual(schedule.active, 0)
        XCTAssertFalse(schedule.isSending(send.invocation, attempt: send.attempt))
        XCTAssertTrue(schedule.end(send.invocation, attempt: send.attempt, .failed(reason: "late"), now: 1, random: 0).isEmpty)
        XCTAssertEqual(schedule.retried, 0)
        XCTAssertTrue(schedule.isDrained)
    }

    func testAnswersThatLeaveCallsOutSendThemAgain() {
        var schedule = InvocationSchedule(totalCalls: 3, chunksize: 3, limits: limits())
        guard let send = schedule.nextSend(now: 0) else { return XCTFail("nothing sent") }
        schedule.callFinished(0)
        schedule.callFinished(2)
        XCTAssertTrue(schedule.end(send.invocation, attempt: 1, .answered(unanswered: [1]), now: 0, random: 0).isEmpty)
        XCTAssertEqual(schedule.nextSend(now: 100)?.calls, [1])
    }

    func testAttachedJobsWaitOneCallTimeoutForWhatWasAcceptedAndSendTheRestAtOnce() {
        var schedule = InvocationSchedule.attached(totalCalls: 6, chunksize: 2, limits: limits(callTimeout: 30), now: 100, acceptedInvocations: 2)
        XCTAssertEqual(schedule.takenPrefix, 2)
        XCTAssertEqual(schedule.nextSend(now: 100)?.calls, [4, 5], "the invocation the dead process never had accepted goes out at once")
        XCTAssertNil(schedule.nextSend(now: 100))
        XCTAssertEqual(schedule.nextWakeUp, 130)
        schedule.callFinished(0)
        schedule.callFinished(1)
        XCTAssertTrue(schedule.expire(now: 130, random: 0).isEmpty)
        XCTAssertEqual(schedule.nextSend(now: 131)?.calls, [2, 3], "no status for calls 2 and 3 within the call timeout")
    }

    func testTheDispatchMarkCoversTheInvocationsAcceptedInOrder() {
        var schedule = InvocationSchedule(totalCalls: 4, chunksize: 1, limits: limits(maxWorkers: 8))
        XCTAssertEqual(drain(&schedule, now: 0).count, 4)
        _ = schedule.end(1, attempt: 1, .accepted, now: 0, random: 0)
        XCTAssertEqual(schedule.takenPrefix, 0, "invocation 0 has not been accepted yet")
        _ = schedule.end(0, attempt: 1, .throttled(reason: "HTTP 429", retryAfter: nil), now: 0, random: 0)
        XCTAssertEqual(schedule.takenPrefix, 0, "a refused invocation is not covered")
        _ = schedule.end(2, attempt: 1, .rejected(reason: "HTTP 413"), now: 0, random: 0)
        guard let again = schedule.nextSend(now: 1) else { return XCTFail("the refused invocation was not sent again") }
        _ = schedule.end(again.invocation, attempt: again.attempt, .accepted, now: 1, random: 0)
        XCTAssertEqual(schedule.takenPrefix, 3, "0 and 1 accepted, 2 ended")
        _ = schedule.end(3, attempt: 1, .accepted, now: 1, random: 0)
        XCTAssertEqual(schedule.takenPrefix, 4)
    }

    func testEndAllReturnsEveryUnfinishedCall() {
        var schedule = InvocationSchedule(totalCalls: 5, chunksize: 2, limits: limits())
        _ = schedule.nextSend(now: 0)
        schedule.callFinished(1)
        XCTAssertEqual(schedule.endAll(), [0, 2, 3, 4])
        XCTAssertTrue(schedule.isDrained)
        XCTAssertNil(schedule.nextSend(now: 1))
    }

    func testDueQueueTakesEarliestFirstAndTiesInOrder() {
        var queue = DueQueue<String>()
        queue.insert("c", due: 3)
        queue.insert("a", due: 1)
        queue.insert("b1", due: 2)
        queue.insert("b2", due: 2)
        XCTAssertNil(queue.popDue(now: 0.5))
        var taken: [String] = []
        while let item = queue.popDue(now: 10) { taken.append(item) }
        XCTAssertEqual(taken, ["a", "b1", "b2", "c"])
    }
}
