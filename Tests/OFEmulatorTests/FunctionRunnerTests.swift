import Foundation
import Glibc
import XCTest

@testable import OFEmulator

/// The runner with real handler processes: the native `oraclefn-fdk`, built next to this test bundle.
final class FunctionRunnerTests: XCTestCase {
    private var runners: [FunctionRunner] = []

    override func tearDown() async throws {
        for runner in runners { await runner.shutdown() }
        runners = []
    }

    // MARK: - Calls

    func testSyncCallRelaysTheHandlersBodyAndContentType() async throws {
        let runner = try makeRunner()
        let answer = try await answered(runner.invoke(function(image: "oraclefn/echo"), body: Array("{\"n\": 1}".utf8),
                                                      headers: [("Content-Type", "application/json")], callId: "call-1",
                                                      requestURL: "http://127.0.0.1/x", detached: false))
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), "{\"n\": 1}")
        XCTAssertEqual(answer.headers.first { $0.0.lowercased() == "content-type" }?.1, "application/json")
    }

    func testHandlerSeesTheFunctionsEnvironment() async throws {
        let runner = try makeRunner()
        let answer = try await answered(call(runner, function(image: "iad.ocir.io/oraclefn/hello:1.2", memory: 256), "Ada"))
        let text = String(decoding: answer.body, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("Hello, Ada!"), text)
        XCTAssertTrue(text.contains("function fn (ocid1.fnfunc.test)"), text)
        XCTAssertTrue(text.contains("application app"), text)
        XCTAssertTrue(text.contains("256 MB"), text)
    }

    func testHotHandlerServesTheNextCall() async throws {
        let runner = try makeRunner()
        let hello = function(image: "oraclefn/hello")
        let first = try await answered(call(runner, hello, "a"))
        let pids = await runner.handlerPIDs(functionId: hello.id)
        let second = try await answered(call(runner, hello, "b"))
        XCTAssertEqual(pids.count, 1)
        XCTAssertEqual(Self.process(in: first), Self.process(in: second))
        let stillRunning = await runner.handlerPIDs(functionId: hello.id)
        XCTAssertEqual(stillRunning, pids)
    }

    func testIdleHandlerIsStopped() async throws {
        let runner = try makeRunner(settings: RunnerSettings(idleTimeout: .milliseconds(200)))
        let echo = function(image: "oraclefn/echo")
        _ = try await answered(call(runner, echo, "x"))
        let pids = await runner.handlerPIDs(functionId: echo.id)
        XCTAssertEqual(pids.count, 1)
        try await waitUntil { await runner.handlerPIDs(functionId: echo.id).isEmpty }
        try await waitUntil { !Self.isAlive(pids[0]) }
    }

    func testChangedFunctionGetsFreshHandlers() async throws {
        let runner = try makeRunner()
        let hello = function(image: "oraclefn/hello")
        let before = try await answered(call(runner, hello, "a"))
        var changed = function(image: "oraclefn/hello", config: ["GREETING": "changed"])
        let after = try await answered(call(runner, changed, "b"))
        XCTAssertNotEqual(Self.process(in: before), Self.process(in: after))
        changed = function(image: "oraclefn/hello", config: ["GREETING": "changed"])
        let again = try await answered(call(runner, changed, "c"))
        XCTAssertEqual(Self.process(in: after), Self.process(in: again))
    }

    func testRetireStopsTheFunctionsHandlers() async throws {
        let runner = try makeRunner()
        let echo = function(image: "oraclefn/echo")
        _ = try await answered(call(runner, echo, "x"))
        let pids = await runner.handlerPIDs(functionId: echo.id)
        await runner.retire(functionId: echo.id)
        XCTAssertFalse(Self.isAlive(pids[0]))
        let remaining = await runner.handlerPIDs(functionId: echo.id)
        XCTAssertEqual(remaining, [])
    }

    // MARK: - Failures

    func testDeadlineKillsTheHandlerAndAnswers504() async throws {
        let runner = try makeRunner()
        let sleeper = function(image: "oraclefn/sleep", timeout: 1)
        let started = ContinuousClock.now
        let running = Task { await call(runner, sleeper, "30") }
        try await waitUntil { await !runner.handlerPIDs(functionId: sleeper.id).isEmpty }
        let pid = await runner.handlerPIDs(functionId: sleeper.id)[0]
        let failure = try failed(await running.value)
        XCTAssertEqual(failure.status, 504)
        XCTAssertEqual(failure.code, "FunctionInvokeTimeout")
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(10))
        XCTAssertFalse(Self.isAlive(pid), "the timed-out handler must be gone")
        let remaining = await runner.handlerPIDs(functionId: sleeper.id)
        XCTAssertEqual(remaining, [])
    }

    func testHandlerDeathGives502AndTheNextCallGetsAFreshHandler() async throws {
        let runner = try makeRunner()
        let sleeper = function(image: "oraclefn/sleep")
        let running = Task { await call(runner, sleeper, "20") }
        try await waitUntil { await !runner.handlerPIDs(functionId: sleeper.id).isEmpty }
        let pid = await runner.handlerPIDs(functionId: sleeper.id)[0]
        try await Task.sleep(for: .milliseconds(200))
        kill(pid, SIGKILL)
        let failure = try failed(await running.value)
        XCTAssertEqual(failure.status, 502)
        XCTAssertEqual(failure.code, "FunctionInvokeExecutionFailed")
        XCTAssertTrue(failure.message.contains("signal 9"), failure.message)

        let next = try await answered(call(runner, sleeper, "0"))
        XCTAssertEqual(String(decoding: next.body, as: UTF8.self), "slept 0.0 s")
        let fresh = await runner.handlerPIDs(functionId: sleeper.id)
        XCTAssertEqual(fresh.count, 1)
        XCTAssertNotEqual(fresh, [pid])
    }

    func testHandlerExitingMidCallGives502() async throws {
        let runner = try makeRunner()
        let failure = try failed(await call(runner, function(image: "oraclefn/exit"), "x"))
        XCTAssertEqual(failure.status, 502)
        XCTAssertEqual(failure.code, "FunctionInvokeExecutionFailed")
        XCTAssertTrue(failure.message.contains("exited with status 3"), failure.message)
    }

    func testFunctionErrorGives502AndKeepsTheHandler() async throws {
        let runner = try makeRunner()
        let failing = function(image: "oraclefn/fail")
        let failure = try failed(await call(runner, failing, "x"))
        XCTAssertEqual(failure.status, 502)
        XCTAssertEqual(failure.code, "FunctionInvokeExecutionFailed")
        XCTAssertTrue(failure.message.contains("oraclefn/fail fails every call"), failure.message)
        let pids = await runner.handlerPIDs(functionId: failing.id)
        XCTAssertEqual(pids.count, 1)
    }

    func testOversizedBodyIsRefusedWith413BeforeRunning() async throws {
        let runner = try makeRunner()
        let echo = function(image: "oraclefn/echo")
        let failure = try failed(await runner.invoke(echo, body: [UInt8](repeating: 0, count: 6 * 1024 * 1024 + 1), headers: [],
                                                     callId: "big", requestURL: "http://x", detached: false))
        XCTAssertEqual(failure.status, 413)
        XCTAssertEqual(failure.code, "FunctionInvokeRequestContentTooLarge")
        let pids = await runner.handlerPIDs(functionId: echo.id)
        XCTAssertEqual(pids, [])
    }

    func testUnknownImageGives502ImageNotAvailable() async throws {
        let runner = try makeRunner()
        let failure = try failed(await call(runner, function(image: "iad.ocir.io/ns/unknown/fn:1"), "x"))
        XCTAssertEqual(failure.status, 502)
        XCTAssertEqual(failure.code, "FunctionInvokeImageNotAvailable")
        XCTAssertTrue(failure.message.contains("iad.ocir.io/ns/unknown/fn:1"), failure.message)
    }

    func testHandlerThatNeverListensTimesOutAndIsStopped() async throws {
        let catalog = ImageCatalog(images: ["local/silent": HandlerCommand(arguments: ["/bin/sh", "-c", "echo $$ > \"$PIDFILE\"; exec sleep 30"])])
        let pidFile = NSTemporaryDirectory() + "oraclefn-silent-\(UUID().uuidString).pid"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let runner = try makeRunner(catalog: catalog, settings: RunnerSettings(startTimeout: .milliseconds(500)))
        let failure = try failed(await call(runner, function(image: "local/silent", config: ["PIDFILE": pidFile]), "x"))
        XCTAssertEqual(failure.status, 504)
        XCTAssertEqual(failure.code, "FunctionInvokeContainerInitTimeout")
        let pid = try XCTUnwrap(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertFalse(Self.isAlive(pid))
    }

    func testColdStartCountsAgainstTheFunctionsTimeout() async throws {
        let catalog = ImageCatalog(images: ["local/silent": HandlerCommand(arguments: ["/bin/sleep", "30"])])
        let runner = try makeRunner(catalog: catalog)
        let started = ContinuousClock.now
        let failure = try failed(await call(runner, function(image: "local/silent", timeout: 1), "x"))
        XCTAssertEqual(failure.code, "FunctionInvokeTimeout")
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5), "the 10 s start timeout does not outlast a 1 s function timeout")
    }

    func testHandlerThatExitsAtStartNamesItsStatusAndStderr() async throws {
        let catalog = ImageCatalog(images: ["local/broken": HandlerCommand(arguments: ["/bin/sh", "-c", "echo 'No module named fdk' >&2; exit 4"])])
        let runner = try makeRunner(catalog: catalog)
        let failure = try failed(await call(runner, function(image: "local/broken"), "x"))
        XCTAssertEqual(failure.status, 502)
        XCTAssertEqual(failure.code, "FunctionInvokeContainerInitFail")
        XCTAssertTrue(failure.message.contains("exited with status 4"), failure.message)
        XCTAssertTrue(failure.message.contains("No module named fdk"), failure.message)
    }

    func testMissingProgramIsNamed() async throws {
        let catalog = ImageCatalog(images: ["local/missing": HandlerCommand(arguments: ["no-such-program-oraclefn"])])
        let runner = try makeRunner(catalog: catalog)
        let failure = try failed(await call(runner, function(image: "local/missing"), "x"))
        XCTAssertEqual(failure.code, "FunctionInvokeContainerInitFail")
        XCTAssertTrue(failure.message.contains("no-such-program-oraclefn"), failure.message)
    }

    // MARK: - Concurrency

    func testCallsBeyondTheCapGet429SyncAndDetached() async throws {
        let runner = try makeRunner(settings: RunnerSettings(concurrencyBudgetMB: 512))
        let sleeper = function(image: "oraclefn/sleep", memory: 256)
        let calls = [Task { await call(runner, sleeper, "1.5") }, Task { await call(runner, sleeper, "1.5") }]
        try await waitUntil { await runner.handlerPIDs(functionId: sleeper.id).count == 2 }

        let sync = try failed(await call(runner, sleeper, "0"))
        XCTAssertEqual(sync.status, 429)
        XCTAssertEqual(sync.code, "TooManyRequests")
        let detached = try failed(await runner.invoke(sleeper, body: Array("0".utf8), headers: [], callId: "d", requestURL: "http://x", detached: true))
        XCTAssertEqual(detached.status, 429)

        for call in calls { _ = try await answered(call.value) }
        _ = try await answered(call(runner, sleeper, "0"))
    }

    func testDetachedCallIsAcceptedAtOnceAndRunsInTheBackground() async throws {
        let logs = LogStore()
        let runner = try makeRunner(logs: logs)
        let sleeper = function(image: "oraclefn/sleep")
        let started = ContinuousClock.now
        let outcome = await runner.invoke(sleeper, body: Array("2".utf8), headers: [], callId: "detached-1", requestURL: "http://x", detached: true)
        guard case .accepted = outcome else { return XCTFail("expected accepted, got \(outcome)") }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(1), "accepted before the 2 s call ends")
        try await waitUntil { logs.lines(LogQuery(callId: "detached-1")).contains { $0.message == "sleep: 2.0 s for call detached-1" } }
    }

    func testDetachedCallsFailureIsLoggedUnderItsCall() async throws {
        let logs = LogStore()
        let runner = try makeRunner(logs: logs)
        let outcome = await runner.invoke(function(image: "oraclefn/fail"), body: [], headers: [], callId: "detached-fail", requestURL: "http://x", detached: true)
        guard case .accepted = outcome else { return XCTFail("expected accepted, got \(outcome)") }
        try await waitUntil {
            logs.lines(LogQuery(callId: "detached-fail")).contains {
                $0.stream == .stderr && $0.message.hasPrefix("oraclefn emulator: detached call failed: 502 FunctionInvokeExecutionFailed")
            }
        }
    }

    // MARK: - Logs

    func testEachCallsOutputIsCreditedToThatCall() async throws {
        let logs = LogStore()
        let runner = try makeRunner(logs: logs)
        let hello = function(image: "oraclefn/hello")
        for name in ["one", "two", "three"] {
            _ = try await answered(runner.invoke(hello, body: Array(name.utf8), headers: [], callId: "call-\(name)", requestURL: "http://x", detached: false))
        }
        for name in ["one", "two", "three"] {
            let lines = logs.lines(LogQuery(functionId: hello.id, callId: "call-\(name)"))
            XCTAssertEqual(lines.map(\.message), ["hello: greeting \(name) for call call-\(name)"])
            XCTAssertEqual(lines.map(\.stream), [.stdout])
        }
        let echo = function(image: "oraclefn/echo")
        _ = try await answered(runner.invoke(echo, body: [1, 2, 3], headers: [], callId: "call-echo", requestURL: "http://x", detached: false))
        XCTAssertEqual(logs.lines(LogQuery(callId: "call-echo")).map(\.stream), [.stderr])
    }

    // MARK: - Faults

    func testFaultsFromAFixedSeedRepeat() async throws {
        let faults = FaultSettings(tooManyRequests: 0.25, serverErrors: 0.25, seed: 42)
        var runs: [[String]] = []
        for _ in 0..<2 {
            let runner = try makeRunner(faults: faults)
            var codes: [String] = []
            for index in 0..<16 {
                switch await call(runner, function(image: "oraclefn/echo"), "\(index)") {
                case .answered(let answer): codes.append(String(answer.status))
                case .failed(let failure): codes.append("\(failure.status) \(failure.code)")
                case let other: codes.append("\(other)")
                }
            }
            runs.append(codes)
        }
        XCTAssertEqual(runs[0], runs[1])
        XCTAssertTrue(runs[0].contains("200"), "\(runs[0])")
        XCTAssertTrue(runs[0].contains("429 TooManyRequests"), "\(runs[0])")
        XCTAssertTrue(runs[0].contains { $0 == "500 InternalServerError" || $0 == "503 FunctionInvokeServiceUnavailable" }, "\(runs[0])")
    }

    func testKilledHandlerFaultFailsTheCallAndTheNextGetsAFreshHandler() async throws {
        let runner = try makeRunner(faults: FaultSettings(killedHandlers: 1))
        let echo = function(image: "oraclefn/echo")
        let failure = try failed(await call(runner, echo, "x"))
        XCTAssertEqual(failure.status, 502)
        let remaining = await runner.handlerPIDs(functionId: echo.id)
        XCTAssertEqual(remaining, [])
    }

    func testDroppedConnectionFaultStillRunsTheCall() async throws {
        let logs = LogStore()
        let runner = try makeRunner(logs: logs, faults: FaultSettings(droppedConnections: 1))
        let outcome = await runner.invoke(function(image: "oraclefn/echo"), body: [7], headers: [], callId: "dropped", requestURL: "http://x", detached: false)
        guard case .dropConnection = outcome else { return XCTFail("expected a dropped connection, got \(outcome)") }
        XCTAssertEqual(logs.lines(LogQuery(callId: "dropped")).map(\.message), ["echo: 1 bytes for call dropped"])
    }

    func testLatencyFaultDelaysTheCall() async throws {
        let runner = try makeRunner(faults: FaultSettings(latency: .milliseconds(400)))
        let echo = function(image: "oraclefn/echo")
        _ = try await answered(call(runner, echo, "warm"))
        let started = ContinuousClock.now
        _ = try await answered(call(runner, echo, "x"))
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(400))
    }

    func testShutdownStopsBusyHandlers() async throws {
        let runner = try makeRunner()
        let sleeper = function(image: "oraclefn/sleep")
        let running = Task { await call(runner, sleeper, "30") }
        try await waitUntil { await !runner.handlerPIDs(functionId: sleeper.id).isEmpty }
        let pid = await runner.handlerPIDs(functionId: sleeper.id)[0]
        await runner.shutdown()
        let failure = try failed(await running.value)
        XCTAssertEqual(failure.status / 100, 5)
        XCTAssertFalse(Self.isAlive(pid))
        let refused = try failed(await call(runner, sleeper, "0"))
        XCTAssertEqual(refused.status, 503)
    }

    // MARK: - Helpers

    private func makeRunner(
        catalog: ImageCatalog? = nil, logs: LogStore = LogStore(), faults: FaultSettings = .none,
        settings: RunnerSettings = RunnerSettings()
    ) throws -> FunctionRunner {
        let native = try XCTUnwrap(ImageCatalog.locateNativeHandler(), "oraclefn-fdk must be built next to the tests (swift build)")
        let runner = FunctionRunner(catalog: catalog ?? ImageCatalog(nativeHandler: native), faults: faults, logs: logs, settings: settings)
        runners.append(runner)
        return runner
    }

    private func function(image: String, memory: Int = 128, timeout: Int = 30, config: [String: String] = [:]) -> FunctionRecord {
        FunctionRecord(
            id: "ocid1.fnfunc.test", applicationId: "ocid1.fnapp.test", applicationName: "app", compartmentId: "ocid1.compartment.test",
            displayName: "fn", image: image, memoryInMBs: memory, timeoutInSeconds: timeout, detachedModeTimeoutInSeconds: timeout,
            config: config, lifecycleState: .active)
    }

    private func answered(_ outcome: InvokeOutcome) throws -> InvokeAnswer {
        guard case .answered(let answer) = outcome else { throw Unexpected(outcome: outcome) }
        return answer
    }

    private func failed(_ outcome: InvokeOutcome) throws -> InvokeFailure {
        guard case .failed(let failure) = outcome else { throw Unexpected(outcome: outcome) }
        return failure
    }

    private struct Unexpected: Error, CustomStringConvertible {
        let outcome: InvokeOutcome
        var description: String { "unexpected outcome: \(outcome)" }
    }

    /// The "process N" the hello handler names.
    private static func process(in answer: InvokeAnswer) -> String? {
        let text = String(decoding: answer.body, as: UTF8.self)
        return text.range(of: "process [0-9]+", options: .regularExpression).map { String(text[$0]) }
    }

    private static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }

    private func waitUntil(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while await !condition() {
            guard ContinuousClock.now < deadline else {
                XCTFail("condition not met within \(timeout)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// A sync call with a text body.
private func call(_ runner: FunctionRunner, _ function: FunctionRecord, _ body: String) async -> InvokeOutcome {
    await runner.invoke(function, body: Array(body.utf8), headers: [("Content-Type", "text/plain")], callId: UUID().uuidString,
                        requestURL: "http://127.0.0.1/20181201/functions/\(function.id)/actions/invoke", detached: false)
}

