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
        // a refusal of an invocation sent after the decrease would halve the window again, but the service was
        // seen running 4 at once (the sync answers above): the window stays there
        XCTAssertTrue(schedule.end(0, attempt: 2, .throttled(reason: "HTTP 503", retryAfter: 2), now: 0.2, random: 0).isEmpty)
        XCTAssertEqual(schedule.window.limit, 4)
        XCTAssertEqual(schedule.window.lowest, 4)
        // Retry-After is honoured over a shorter backoff
        for number in [1, 2, 3] {
            XCTAssertTrue(schedule.end(number, attempt: 2, .answered(unanswered: []), now: 0.3, random: 0).isEmpty)
        }
        XCTAssertTrue(drain(&schedule, now: 2.1).isEmpty)
        XCTAssertEqual(drain(&schedule, now: 2.2).map(\.invocation), [0])
    }

    func testSuccessesGrowTheWindowBackToMaxWorkers() {
        var window = ConcurrencyWindow(maximum: 10)
        window.refused(sentEpoch: 0, now: 0)
        XCTAssertEqual(window.limit, 5)
        window.refused(sentEpoch: 0, now: 0)
        XCTAssertEqual(window.limit, 5, "a refusal from before the decrease does not count again")
        for _ in 0..<200 { window.succeeded(sentEpoch: window.epoch, running: 1, now: 1) }
        XCTAssertEqual(window.limit, 10)
        XCTAssertEqual(window.lowest, 5)
    }

    func testALoadLimitedServiceSettlesTheWindowAtItsLimit() {
        // the service runs at most 12 at once and refuses the rest, as OCI does by memory
        var window = ConcurrencyWindow(maximum: 300)
        var now = 0.0
        for _ in 0..<50 {
            for running in 1...12 { window.succeeded(sentEpoch: window.epoch, running: running, now: now) }
            window.refused(sentEpoch: window.epoch, now: now)
            now += 0.1
        }
        XCTAssertEqual(window.limit, 12, "halved from 300 down to what the service was seen running, and no lower")
        XCTAssertEqual(window.lowest, 12)
    }

    func testAServiceRefusingMostSendsBringsTheWindowBelowWhatItWasSeenRunning() {
        // 40 were seen running (counting calls that ended before their status was seen), but the service
        // refuses four sends in five: it runs fewer than the window holds
        var window = ConcurrencyWindow(maximum: 300)
        window.succeeded(sentEpoch: 0, running: 40, now: 0)
        for _ in 0..<6 {
            let epoch = window.epoch
            for _ in 0..<2 { window.succeeded(sentEpoch: epoch, running: 1, now: 1) }
            for _ in 0..<8 { window.refused(sentEpoch: epoch, now: 1) }
        }
        XCTAssertLessThan(window.limit, 40)
    }

    func testRandomRefusalsDoNotShrinkTheWindowBelowWhatTheServiceRuns() {
        // a tenth of the sends refused whatever runs: the service takes as many as the window sends
        var window = ConcurrencyWindow(maximum: 200)
        var now = 0.0
        for round in 0..<1_000 {
            window.succeeded(sentEpoch: window.epoch, running: window.limit, now: now)
            if round % 10 == 0 { window.refused(sentEpoch: window.epoch, now: now) }
            now += 0.01
        }
        XCTAssertEqual(window.limit, 200)
        XCTAssertEqual(window.lowest, 200)
    }

    func testWhatTheServiceRanLongAgoNoLongerHoldsTheWindowUp() {
        var window = ConcurrencyWindow(maximum: 64)
        window.succeeded(sentEpoch: 0, running: 64, now: 0)
        window.refused(sentEpoch: 0, now: 1)
        XCTAssertEqual(window.limit, 64, "64 ran at once a second ago")
        window.refused(sentEpoch: 0, now: 2 * ConcurrencyWindow.memory + 1)
        XCTAssertEqual(window.limit, 32, "two memory periods later only the refusal counts")
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
        XCTAssertEqual(
            failed.first?.reason,
            "HTTP 500 InternalServerError (after 2 attempts; before: 1× no status came within 10 s of the invocation being accepted)")
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
        let fresh = schedule.nextSend(now: 100)
        XCTAssertEqual(fresh?.calls, [4, 5], "the invocation the dead process never had accepted goes out at once")
        XCTAssertEqual(fresh?.attempt, 2, "as a later attempt: the dead process may have sent it")
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

    // MARK: - At most once at a time

    private func atMostOnce(callTimeout: Double, mayRunFor: Double?, resendWhileRunning: Bool = false) -> InvocationSchedule.Limits {
        var limits = limits(callTimeout: callTimeout)
        limits.mayRunFor = mayRunFor
        limits.resendWhileRunning = resendWhileRunning
        return limits
    }

    func testASendWithoutAnAnswerIsNotSentAgainWhileItMayRun() {
        var schedule = InvocationSchedule(totalCalls: 1, chunksize: 1, limits: atMostOnce(callTimeout: 30, mayRunFor: 30))
        guard let send = schedule.nextSend(now: 0) else { return XCTFail("nothing sent") }
        XCTAssertTrue(schedule.end(send.invocation, attempt: 1, .unanswered(reason: "the invocation got no answer: connection lost"), now: 1, random: 0).isEmpty)
        XCTAssertEqual(schedule.active, 1, "it may run: it keeps its place")
        XCTAssertEqual(schedule.sending, 0)
        XCTAssertNil(schedule.nextSend(now: 29))
        XCTAssertTrue(schedule.expire(now: 29, random: 0).isEmpty)
        XCTAssertEqual(schedule.nextWakeUp, 30)
        // no status by the time it can no longer run: sent again, as a failed attempt
        XCTAssertTrue(schedule.expire(now: 30, random: 0).isEmpty)
        XCTAssertEqual(schedule.retried, 1)
        XCTAssertEqual(schedule.nextSend(now: 100)?.attempt, 2)
    }

    func testAStatusThatComesAfterALostAnswerFinishesTheCall() {
        var schedule = InvocationSchedule(totalCalls: 1, chunksize: 1, limits: atMostOnce(callTimeout: 30, mayRunFor: 30))
        guard let send = schedule.nextSend(now: 0) else { return XCTFail("nothing sent") }
        _ = schedule.end(send.invocation, attempt: 1, .unanswered(reason: "connection lost"), now: 1, random: 0)
        schedule.callFinished(0)
        XCTAssertTrue(schedule.isDrained)
        XCTAssertTrue(schedule.expire(now: 100, random: 0).isEmpty)
        XCTAssertEqual(schedule.sent, 1, "run once")
    }

    func testACallPastItsTimeoutThatMayStillRunFailsAsTimedOut() {
        // the user's timeout is 10 s; the function may run for 330 s
        var schedule = InvocationSchedule(totalCalls: 1, chunksize: 1, limits: atMostOnce(callTimeout: 10, mayRunFor: 330))
        guard let send = schedule.nextSend(now: 0) else { return XCTFail("nothing sent") }
        _ = schedule.end(send.invocation, attempt: 1, .accepted, now: 0.5, random: 0)
        let failed = schedule.expire(now: 10.5, random: 0)
        XCTAssertEqual(failed.map(\.call), [0])
        XCTAssertTrue(failed[0].reason.hasPrefix("timed out: no status came within 10 s"), failed[0].reason)
        XCTAssertTrue(failed[0].reason.contains("not invoked again"), failed[0].reason)
        XCTAssertEqual(schedule.sent, 1)
        XCTAssertTrue(schedule.isDrained)
    }

    func testAtLeastOnceSendsAgainAtOnce() {
        var schedule = InvocationSchedule(
            totalCalls: 1, chunksize: 1, limits: atMostOnce(callTimeout: 10, mayRunFor: 330, resendWhileRunning: true))
        guard let send = schedule.nextSend(now: 0) else { return XCTFail("nothing sent") }
        _ = schedule.end(send.invocation, attempt: 1, .accepted, now: 0, random: 0)
        XCTAssertTrue(schedule.expire(now: 10, random: 0).isEmpty)
        XCTAssertEqual(schedule.nextSend(now: 20)?.attempt, 2)
        XCTAssertTrue(schedule.end(0, attempt: 2, .unanswered(reason: "connection lost"), now: 20, random: 0).isEmpty)
        XCTAssertEqual(schedule.nextSend(now: 40)?.attempt, 3, "a send without an answer is a failed attempt")
    }

    func testTheServiceNotRunningAnInvocationSpendsNoRetryAndKeepsTheWindow() {
        var schedule = InvocationSchedule(totalCalls: 1, chunksize: 1, limits: limits(maxWorkers: 8, retries: 0, throttleRetries: 5))
        for attempt in 1...5 {
            guard let send = schedule.nextSend(now: Double(attempt) * 10) else { return XCTFail("attempt \(attempt) not sent") }
            XCTAssertTrue(schedule.end(send.invocation, attempt: attempt, .notRun(reason: "HTTP 500 InternalServerError"), now: Double(attempt) * 10, random: 0).isEmpty)
        }
        XCTAssertEqual(schedule.window.limit, 8)
        guard let last = schedule.nextSend(now: 100) else { return XCTFail("not sent") }
        let failed = schedule.end(last.invocation, attempt: 6, .notRun(reason: "HTTP 500 InternalServerError"), now: 100, random: 0)
        XCTAssertTrue(failed.first?.reason.contains("did not run its invocation 6 times") ?? false, "\(failed)")
    }

    func testTheFunctionsTimeoutBoundsHowLongAnInvocationMayRun() {
        let target = FunctionTarget(id: "ocid1.fnfunc.oc1..f", invokeEndpoint: "http://127.0.0.1:1", timeoutSeconds: 120, detachedTimeoutSeconds: 3600)
        XCTAssertEqual(target.mayRunFor(.sync), 150)
        XCTAssertEqual(target.mayRunFor(.detached), 3630)
        XCTAssertNil(FunctionTarget(id: "f", invokeEndpoint: "http://127.0.0.1:1").mayRunFor(.sync))
    }

    func testAGivenUpCallSaysWhatEachAttemptMet() {
        XCTAssertEqual(
            InvocationSchedule.summary(of: [
                "HTTP 502 FunctionInvokeExecutionFailed: died (opc-request-id A)", "no status came within 35 s",
                "HTTP 502 FunctionInvokeExecutionFailed: died (opc-request-id B)",
            ]),
            "2× HTTP 502 FunctionInvokeExecutionFailed: died; 1× no status came within 35 s")
        XCTAssertEqual(InvocationSchedule.summary(of: []), "")
    }
}
