import Foundation
import OFEngine
import OFLocking
import OFServices
import XCTest

/// Jobs against the emulator and its native worker.
final class EngineJobTests: XCTestCase {
    // Set by the async setUp, read by the test and by tearDown, which XCTest runs on other threads and hands over
    // by ways ThreadSanitizer does not see: behind a lock, which it does.
    private let fixtureSlot = Locked<EngineFixture?>(nil)
    private var fixture: EngineFixture! {
        get { fixtureSlot.withLock { $0 } }
        set { fixtureSlot.withLock { $0 = newValue } }
    }

    override func setUp() async throws {
        fixture = try await EngineFixture.start()
    }

    override func tearDown() async throws {
        await fixture?.stop()
    }

    func testDetachedJobEchoesEveryInputInOrder() async throws {
        let engine = try fixture.engine()
        let inputs = numberedInputs(40) + [[]]
        let job = try engine.map(function: fixture.worker.id, inputs: inputs, options: MapOptions(maxWorkers: 8, chunksize: 3))
        let jobFinished = await job.finished(within: .seconds(60))
        XCTAssertTrue(jobFinished, "the job did not finish in a minute")
        XCTAssertNil(job.error)
        assertEchoed(job, inputs: inputs)
        let stats = job.stats
        XCTAssertEqual(stats.invocations, 14, "41 calls in chunks of 3")
        XCTAssertGreaterThan(stats.statusListings, 0)
        guard let result = job.results?.first else { return XCTFail("no results") }
        let timings = result.timings
        XCTAssertEqual(result.attempts, 1)
        for (name, value) in [("submitted", timings.submitted), ("accepted", timings.accepted), ("worker start", timings.workerStart),
                              ("worker end", timings.workerEnd), ("status seen", timings.statusSeen), ("result fetched", timings.resultFetched)] {
            XCTAssertNotNil(value, "\(name) is missing")
        }
        if let submitted = timings.submitted, let accepted = timings.accepted, let seen = timings.statusSeen, let fetched = timings.resultFetched {
            XCTAssertLessThanOrEqual(submitted, accepted)
            XCTAssertLessThanOrEqual(accepted, seen)
            XCTAssertLessThanOrEqual(seen, fetched)
        }
    }

    func testSyncJobAnswersInTheResponse() async throws {
        let engine = try fixture.engine()
        let inputs = numberedInputs(25)
        let job = try engine.map(function: fixture.worker.id, inputs: inputs, options: MapOptions(mode: .sync, maxWorkers: 4, chunksize: 2))
        await job.finished()
        assertEchoed(job, inputs: inputs)
        XCTAssertEqual(job.stats.statusListings, 0, "a sync job lists nothing")
        XCTAssertNil(job.results?.first?.timings.statusSeen)
    }

    func testFunctionErrorsLargeOutputsAndStoredInputs() async throws {
        let engine = try fixture.engine()
        let big = [UInt8](repeating: 7, count: 300 * 1024)
        let inputs: [[UInt8]] = [Array("!fail division by zero".utf8), Array("!large 200000".utf8), big, Array("!sleep 50 slept".utf8)]
        for mode in InvokeMode.allCases {
            let job = try engine.map(function: fixture.worker.id, inputs: inputs, options: MapOptions(mode: mode, chunksize: 2))
            let jobFinished = await job.finished(within: .seconds(60))
            XCTAssertTrue(jobFinished)
            guard let results = job.results else { return XCTFail("no results in \(mode) mode") }
            XCTAssertEqual(results[0].outcome, .functionError(FunctionError(type: "RequestedFailure", message: "division by zero")), "\(mode)")
            XCTAssertEqual(results[1].outcome, .value((0..<200_000).map { UInt8(truncatingIfNeeded: $0) }), "\(mode)")
            XCTAssertEqual(results[2].outcome, .value(big), "\(mode): an input over 256 KiB goes through storage")
            XCTAssertEqual(results[3].outcome, .value(Array("slept".utf8)), "\(mode)")
            XCTAssertEqual(job.progress, JobProgress(done: 4, failed: 1, total: 4))
            XCTAssertEqual(job.stats.functionErrors, 1)
        }
    }

    func testCrashingWorkerFailsAfterTheRetryBudgetSayingWhy() async throws {
        let engine = try fixture.engine()
        let inputs: [[UInt8]] = [Array("!crash".utf8), Array("fine".utf8)]
        let job = try engine.map(function: fixture.worker.id, inputs: inputs, options: MapOptions(mode: .sync, retries: 1))
        let jobFinished = await job.finished(within: .seconds(60))
        XCTAssertTrue(jobFinished)
        guard let results = job.results else { return XCTFail("no results") }
        guard case .failure(let reason) = results[0].outcome else { return XCTFail("a crashing call did not fail: \(results[0].outcome)") }
        XCTAssertTrue(reason.contains("FunctionInvokeExecutionFailed") && reason.contains("after 2 attempts"), reason)
        XCTAssertEqual(results[0].attempts, 2)
        XCTAssertEqual(results[1].outcome, .value(Array("fine".utf8)))
        XCTAssertEqual(job.stats.retries, 1)
    }

    func testDetachedCallWithoutStatusIsNotInvokedAgainWhileItMayStillRun() async throws {
        let engine = try fixture.engine()
        let job = try engine.map(
            function: fixture.worker.id, inputs: [Array("!crash".utf8)], options: MapOptions(callTimeout: .seconds(1), retries: 1))
        let jobFinished = await job.finished(within: .seconds(60))
        XCTAssertTrue(jobFinished)
        guard case .failure(let reason)? = job.results?.first?.outcome else { return XCTFail("the call did not fail") }
        XCTAssertTrue(reason.hasPrefix("timed out: no status came within 1 s") && reason.contains("not invoked again"), reason)
        XCTAssertEqual(job.stats.invocations, 1, "the function's own timeout had not passed")
    }

    func testAtLeastOnceInvokesADetachedCallWithoutStatusAgainAfterTheCallTimeout() async throws {
        let engine = try fixture.engine()
        var options = MapOptions(callTimeout: .seconds(1), retries: 1)
        options.atLeastOnce = true
        let job = try engine.map(function: fixture.worker.id, inputs: [Array("!crash".utf8)], options: options)
        let jobFinished = await job.finished(within: .seconds(60))
        XCTAssertTrue(jobFinished)
        guard case .failure(let reason)? = job.results?.first?.outcome else { return XCTFail("the call did not fail") }
        XCTAssertTrue(reason.contains("no status came within 1 s") && reason.contains("after 2 attempts"), reason)
        XCTAssertEqual(job.stats.invocations, 2)
    }

    func testTheWorkerStopsACallPastItsExecutionTimeout() async throws {
        let engine = try fixture.engine()
        var options = MapOptions()
        options.executionTimeout = .milliseconds(300)
        let job = try engine.map(function: fixture.worker.id, inputs: [Array("!sleep 20000 late".utf8), Array("!sleep 1 soon".utf8)], options: options)
        let jobFinished = await job.finished(within: .seconds(60))
        XCTAssertTrue(jobFinished)
        guard case .functionError(let error)? = job.results?.first?.outcome else { return XCTFail("the slow call was not stopped: \(String(describing: job.results?.first?.outcome))") }
        XCTAssertEqual(error.type, "TimeoutError")
        XCTAssertTrue(error.message.contains("execution timeout of 0.3 s"), error.message)
        XCTAssertEqual(job.results?.last?.outcome, .value(Array("soon".utf8)))
        XCTAssertEqual(job.stats.invocations, 2)
    }

    func testRawBodyJobsMapAnyFunction() async throws {
        let engine = try fixture.engine()
        let application = try await fixture.functions.createApplication(displayName: "plain")
        let echo = try await fixture.functions.createFunction(CreateFunctionDetails(
            applicationId: application.id, displayName: "echo", image: "oraclefn/echo", memoryInMBs: 128))
        let inputs = numberedInputs(5)
        let job = try engine.map(function: "echo", inputs: inputs, options: MapOptions(mode: .sync, format: .rawBody))
        let jobFinished = await job.finished(within: .seconds(60))
        XCTAssertTrue(jobFinished)
        assertEchoed(job, inputs: inputs)
        XCTAssertEqual(echo.displayName, "echo")
    }

    func testUnknownFunctionFailsTheJobSayingSo() async throws {
        let engine = try fixture.engine()
        let job = try engine.map(function: "no-such-function", inputs: numberedInputs(3))
        let jobFinished = await job.finished(within: .seconds(30))
        XCTAssertTrue(jobFinished)
        XCTAssertEqual(job.error?.kind, .notFound)
        XCTAssertTrue(job.error?.message.contains("no function named no-such-function") ?? false, job.error?.message ?? "")
        XCTAssertEqual(job.progress, JobProgress(done: 3, failed: 3, total: 3))
    }

    func testCancelEndsEveryCallAndWaitTimesOutFromAnyThread() async throws {
        let engine = try fixture.engine()
        let inputs = (0..<20).map { Array("!sleep 5000 slow-\($0)".utf8) }
        let job = try engine.map(function: fixture.worker.id, inputs: inputs, options: MapOptions(mode: .sync, maxWorkers: 2))
        // threads of their own, as a C or Python caller has: one gives up after 200 ms, one waits for the end
        let short = ThreadWait(job, timeout: .milliseconds(200))
        let long = ThreadWait(job, timeout: nil)
        let shortFinished = await short.result()
        XCTAssertFalse(shortFinished, "the job cannot be done in 200 ms")
        job.cancel()
        let jobFinished = await job.finished(within: .seconds(10))
        XCTAssertTrue(jobFinished, "cancel did not end the job")
        let longFinished = await long.result()
        XCTAssertTrue(longFinished, "a thread waiting without a timeout saw the job end")
        XCTAssertEqual(job.error?.kind, .cancelled)
        XCTAssertEqual(job.progress.done, 20)
        XCTAssertTrue(job.results?.allSatisfy { !$0.outcome.isValue } ?? false)
    }

    func testSeveralJobsRunAtOnceFromSeveralThreads() async throws {
        let engine = try fixture.engine()
        let worker = fixture.worker.id
        let jobs = try await withThrowingTaskGroup(of: (MapJob, [[UInt8]]).self) { group in
            for (number, mode) in [InvokeMode.detached, .sync, .detached].enumerated() {
                group.addTask {
                    let inputs = (0..<30).map { Array("job-\(number)-\($0)".utf8) }
                    let job = try engine.map(function: worker, inputs: inputs, options: MapOptions(mode: mode, maxWorkers: 4, chunksize: 2))
                    await job.finished()
                    return (job, inputs)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(Set(jobs.map(\.0.id)).count, 3, "every job has an id of its own")
        for (job, inputs) in jobs { assertEchoed(job, inputs: inputs) }
    }

    func testBadOptionsAreRefusedSayingWhy() throws {
        let engine = try fixture.engine()
        XCTAssertThrowsError(try engine.map(function: fixture.worker.id, inputs: [], options: MapOptions(chunksize: 0))) { error in
            XCTAssertEqual((error as? EngineError)?.kind, .invalidArgument)
        }
        XCTAssertThrowsError(try engine.map(function: fixture.worker.id, inputs: [], options: MapOptions(format: .rawBody))) { error in
            XCTAssertTrue("\(error)".contains("needs sync mode"), "\(error)")
        }
        XCTAssertThrowsError(try engine.attach(jobId: "not-a-job")) { error in
            XCTAssertTrue("\(error)".contains("16 lowercase hex characters"), "\(error)")
        }
    }

    func testProgressIsReportedUpToTheEnd() async throws {
        let engine = try fixture.engine()
        let seen = ProgressLog()
        let job = try engine.map(function: fixture.worker.id, inputs: numberedInputs(30), options: MapOptions(maxWorkers: 4)) { seen.append($0) }
        let jobFinished = await job.finished(within: .seconds(60))
        XCTAssertTrue(jobFinished)
        let reports = seen.reports
        XCTAssertEqual(reports.last, JobProgress(done: 30, failed: 0, total: 30))
        XCTAssertEqual(reports.map(\.done), reports.map(\.done).sorted(), "progress never goes back")
    }
}

/// `MapJob.wait(timeout:)` called on a thread of its own.
final class ThreadWait: Sendable {
    /// What `wait` returned, once it has.
    private let finished = Monitor<Bool?>(nil)

    init(_ job: MapJob, timeout: Duration?) {
        Thread.detachNewThread { [finished] in
            let result = job.wait(timeout: timeout)
            finished.update { $0 = result }
        }
    }

    /// Whether `wait` said the job finished, once it has returned.
    func result() async -> Bool {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [finished] in
                continuation.resume(returning: finished.wait(timeout: nil) { $0 }!)
            }
        }
    }
}

/// Progress reports, collected from the job's thread.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [JobProgress] = []

    func append(_ progress: JobProgress) {
        lock.withLock { log.append(progress) }
    }

    var reports: [JobProgress] { lock.withLock { log } }
}

extension EngineJobTests {
    func testACallsResultIsThereAsSoonAsItEnds() async throws {
        let engine = try fixture.engine()
        let inputs: [[UInt8]] = [Array("quick".utf8), Array("!sleep 3000 slow".utf8)]
        let job = try engine.map(function: fixture.worker.id, inputs: inputs, options: MapOptions(maxWorkers: 2))
        var quick: CallResult?
        for _ in 0..<200 where quick == nil {
            quick = job.result(at: 0)
            if quick == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        XCTAssertEqual(quick?.outcome, .value(Array("quick".utf8)))
        XCTAssertFalse(job.isFinished, "the slow call is still running")
        XCTAssertNil(job.result(at: 1))
        XCTAssertNil(job.result(at: 2), "out of range")
        let jobFinished = await job.finished(within: .seconds(60))
        XCTAssertTrue(jobFinished)
        XCTAssertEqual(job.result(at: 1)?.outcome, .value(Array("slow".utf8)))
        XCTAssertEqual(job.result(at: 0), job.results?.first)
    }
}
