import Foundation
import Glibc
import XCTest

@testable import OFEmulator

final class ImageCatalogTests: XCTestCase {
    func testNamesDropRegistryHostTagAndDigest() {
        XCTAssertEqual(ImageCatalog.imageName("iad.ocir.io/ns/repo/fn:0.0.3"), "ns/repo/fn")
        XCTAssertEqual(ImageCatalog.imageName("localhost:5000/ns/fn@sha256:abc"), "ns/fn")
        XCTAssertEqual(ImageCatalog.imageName("localhost/fn"), "fn")
        XCTAssertEqual(ImageCatalog.imageName("ns/fn"), "ns/fn")
        XCTAssertEqual(ImageCatalog.imageName("oraclefn/echo:latest"), "oraclefn/echo")
    }

    func testLongestMatchingEntryWins() {
        let catalog = ImageCatalog(nativeHandler: nil, images: [
            "ns/repo": HandlerCommand(arguments: ["repo"]),
            "phx.ocir.io/ns/repo/special:9": HandlerCommand(arguments: ["special"]),
        ])
        XCTAssertEqual(catalog.command(for: "iad.ocir.io/ns/repo/fn:1")?.arguments, ["repo"])
        XCTAssertEqual(catalog.command(for: "ns/repo/special:2")?.arguments, ["special"])
        XCTAssertEqual(catalog.command(for: "ns/repo")?.arguments, ["repo"])
        XCTAssertNil(catalog.command(for: "ns/repository/fn"))
        XCTAssertNil(catalog.command(for: "oraclefn/echo"), "no native handler, no built-ins")
    }

    func testBuiltInsRunTheNativeHandler() {
        let catalog = ImageCatalog(nativeHandler: "/opt/oraclefn-fdk")
        XCTAssertEqual(catalog.command(for: "oraclefn/echo:any")?.arguments, ["/opt/oraclefn-fdk", "echo"])
        XCTAssertEqual(catalog.command(for: "iad.ocir.io/oraclefn/hello")?.arguments, ["/opt/oraclefn-fdk", "hello"])
    }

    func testThePythonImageRunsTheWorkerModuleWithTheChosenInterpreter() {
        let catalog = ImageCatalog(nativeHandler: nil, python: "/opt/venv/bin/python")
        XCTAssertEqual(catalog.command(for: "iad.ocir.io/oraclefn/python:3.12")?.arguments, ["/opt/venv/bin/python", "-m", "oraclefn.worker"])
        XCTAssertEqual(ImageCatalog.locatePython(environment: ["ORACLEFN_PYTHON": "/opt/venv/bin/python"]), "/opt/venv/bin/python")
        XCTAssertEqual(ImageCatalog.locatePython(environment: ["ORACLEFN_PYTHON": ""]), "python3")
    }

    func testLoadsAConfigurationFileAndRunsCommandsInItsDirectory() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/images.json"
        try #"{"images": {"iad.ocir.io/ns/fn:1": ["python3", "-m", "fdk", "func.py", "handler"]}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let catalog = try ImageCatalog.load(contentsOf: path, nativeHandler: "/opt/oraclefn-fdk")
        XCTAssertEqual(catalog.command(for: "ns/fn:2"), HandlerCommand(arguments: ["python3", "-m", "fdk", "func.py", "handler"], workingDirectory: directory))
        XCTAssertEqual(catalog.command(for: "oraclefn/echo")?.arguments, ["/opt/oraclefn-fdk", "echo"])
    }

    func testConfigurationErrorsSayWhatToWrite() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/images.json"
        try #"{"images": {"ns/fn": []}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ImageCatalog.load(contentsOf: path)) { error in
            XCTAssertTrue("\(error)".contains("'ns/fn'") && "\(error)".contains("empty command"), "\(error)")
        }
        try #"{"images": ["ns/fn"]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ImageCatalog.load(contentsOf: path)) { error in
            XCTAssertTrue("\(error)".contains("{\"images\""), "\(error)")
        }
        XCTAssertThrowsError(try ImageCatalog.load(contentsOf: directory + "/missing.json")) { error in
            XCTAssertTrue("\(error)".contains("missing.json"), "\(error)")
        }
    }

    private func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "oraclefn-catalog-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}

final class FaultSettingsTests: XCTestCase {
    func testParsesASpec() throws {
        let settings = try FaultSettings(spec: "429=0.1, 5xx=0.05,latency=1.5s,kill=0.02,drop=0.01,seed=7")
        XCTAssertEqual(settings, FaultSettings(tooManyRequests: 0.1, serverErrors: 0.05, latency: .milliseconds(1500),
                                               killedHandlers: 0.02, droppedConnections: 0.01, seed: 7))
        XCTAssertEqual(try FaultSettings(spec: "latency=200ms").latency, .milliseconds(200))
        XCTAssertEqual(try FaultSettings(environment: [:]), .none)
        XCTAssertEqual(try FaultSettings(environment: ["ORACLEFN_EMULATOR_FAULTS": "429=1"]).tooManyRequests, 1)
    }

    func testRejectsBadSpecsNamingTheKey() {
        for (spec, expected) in [("429=2", "429=2"), ("boom=1", "unknown fault setting 'boom'"), ("latency=fast", "latency=fast"),
                                 ("seed=-1", "seed=-1"), ("429", "key=value")] {
            XCTAssertThrowsError(try FaultSettings(spec: spec)) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(spec): \(error)")
            }
        }
    }

    func testInjectorDrawsTheSameFaultsFromTheSameSeed() {
        let settings = FaultSettings(tooManyRequests: 0.2, serverErrors: 0.2, killedHandlers: 0.2, droppedConnections: 0.2, seed: 99)
        let first = FaultInjector(settings)
        let second = FaultInjector(settings)
        let draws = (0..<200).map { _ in first.nextFault() }
        XCTAssertEqual(draws, (0..<200).map { _ in second.nextFault() })
        for fault in [InjectedFault.tooManyRequests, .internalServerError, .serviceUnavailable, .killHandler, .dropConnection] {
            XCTAssertTrue(draws.contains(fault), "\(fault) never drawn")
        }
        XCTAssertTrue(draws.contains(nil))
        XCTAssertNotEqual(draws, (0..<200).map { _ in FaultInjector(FaultSettings(tooManyRequests: 0.2, seed: 1)).nextFault() })
    }

    func testNoFaultsDrawsNothing() {
        let injector = FaultInjector(.none)
        XCTAssertTrue((0..<100).allSatisfy { _ in injector.nextFault() == nil })
    }
}

final class RunnerSettingsTests: XCTestCase {
    func testConcurrencyComesFromMemoryUnlessCapped() {
        let settings = RunnerSettings(concurrencyBudgetMB: 4096)
        XCTAssertEqual(settings.concurrencyLimit(memoryInMBs: 128), 32)
        XCTAssertEqual(settings.concurrencyLimit(memoryInMBs: 1024), 4)
        XCTAssertEqual(settings.concurrencyLimit(memoryInMBs: 3072), 1)
        XCTAssertEqual(RunnerSettings(concurrencyBudgetMB: 100).concurrencyLimit(memoryInMBs: 256), 1)
        XCTAssertEqual(RunnerSettings(maxConcurrentCalls: 3).concurrencyLimit(memoryInMBs: 128), 3)
    }
}

final class FDKExchangeTests: XCTestCase {
    func testRequestCarriesTheContractHeadersAndWrapsTheCallersOnes() {
        let deadline = Date(timeIntervalSince1970: 1_800_000_000)
        let request = FDKExchange.request(
            callId: "01CALL", deadline: deadline, requestURL: "http://127.0.0.1:9/20181201/functions/f/actions/invoke",
            callerHeaders: [("Content-Type", "application/json"), ("Authorization", "Signature secret"), ("X-Trace", "t1"),
                            ("fn-invoke-type", "sync"), ("Host", "127.0.0.1:9"), ("Fn-Whatever", "reserved"), ("opc-request-id", "R1")],
            body: [1, 2])
        let headers = Dictionary(request.headers, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(headers["Fn-Call-Id"], "01CALL")
        XCTAssertEqual(headers["Fn-Deadline"], "2027-01-15T08:00:00Z")
        XCTAssertEqual(headers["Fn-Intent"], "httprequest")
        XCTAssertEqual(headers["Fn-Http-Method"], "POST")
        XCTAssertEqual(headers["Fn-Http-Request-Url"], "http://127.0.0.1:9/20181201/functions/f/actions/invoke")
        XCTAssertEqual(headers["Content-Type"], "application/json")
        XCTAssertEqual(headers["Fn-Invoke-Type"], "sync")
        XCTAssertEqual(headers["Fn-Http-H-X-Trace"], "t1")
        XCTAssertEqual(headers["Fn-Http-H-opc-request-id"], "R1")
        XCTAssertFalse(request.headers.contains { $0.1.contains("secret") }, "the caller's credentials stay out")
        XCTAssertFalse(request.headers.contains { $0.0.contains("Host") || $0.1 == "reserved" })
        XCTAssertEqual(request.body, [1, 2])
    }

    func testCallersIntentIsKept() {
        let request = FDKExchange.request(callId: "c", deadline: Date(), requestURL: "u", callerHeaders: [("Fn-Intent", "cloudevent")], body: [])
        XCTAssertEqual(request.headers.filter { $0.0 == "Fn-Intent" }.map(\.1), ["cloudevent"])
    }

    func testSuccessUnwrapsGatewayStatusAndHeaders() throws {
        let response = FDKResponse(status: 200, headers: [("content-type", "text/plain"), ("fn-http-status", "201"), ("fn-http-h-x-custom", "abc"),
                                                          ("fn-fdk-version", "fdk-python/0.1.128"), ("Keep-Alive", "75"),
                                                          ("fn-http-h-content-length", "99")], body: [9])
        let (outcome, keep) = FDKExchange.outcome(of: response)
        XCTAssertTrue(keep)
        guard case .answered(let answer) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(answer.status, 201)
        XCTAssertEqual(answer.headers.map(\.0), ["content-type", "x-custom"])
        XCTAssertEqual(answer.headers.map(\.1), ["text/plain", "abc"])
        XCTAssertEqual(answer.body, [9])
    }

    func testErrorsFollowTheFnAgent() {
        func failure(_ status: Int, _ body: String = "") -> (InvokeFailure?, Bool) {
            let (outcome, keep) = FDKExchange.outcome(of: FDKResponse(status: status, headers: [], body: Array(body.utf8)))
            guard case .failed(let failure) = outcome else { return (nil, keep) }
            return (failure, keep)
        }
        let (failed, keepFailed) = failure(502, "ValueError: bad input")
        XCTAssertEqual(failed?.code, "FunctionInvokeExecutionFailed")
        XCTAssertTrue(failed?.message.contains("ValueError: bad input") ?? false)
        XCTAssertTrue(keepFailed)
        let (timedOut, keepTimedOut) = failure(504)
        XCTAssertEqual(timedOut.map { "\($0.status) \($0.code)" }, "504 FunctionInvokeTimeout")
        XCTAssertTrue(keepTimedOut)
        let (invalid, keepInvalid) = failure(404)
        XCTAssertEqual(invalid.map { "\($0.status) \($0.code)" }, "502 FunctionInvokeInvalidResponse")
        XCTAssertFalse(keepInvalid)
    }
}

final class LogStoreTests: XCTestCase {
    func testFiltersBySequenceFunctionCallAndTime() {
        let now = Date(timeIntervalSince1970: 1000)
        let clock = TestClock(now)
        let store = LogStore(clock: { clock.now })
        store.append(LogOrigin(functionId: "f1"), callId: "c1", stream: .stdout, message: "one")
        clock.now = now.addingTimeInterval(10)
        store.append(LogOrigin(functionId: "f2"), callId: "c2", stream: .stderr, message: "two")
        store.append(LogOrigin(functionId: "f1"), callId: "c3", stream: .stdout, message: "three")
        XCTAssertEqual(store.lines().map(\.sequence), [1, 2, 3])
        XCTAssertEqual(store.lines(LogQuery(functionId: "f1")).map(\.message), ["one", "three"])
        XCTAssertEqual(store.lines(LogQuery(callId: "c2")).map(\.message), ["two"])
        XCTAssertEqual(store.lines(LogQuery(since: now.addingTimeInterval(5))).map(\.message), ["two", "three"])
        XCTAssertEqual(store.lines(LogQuery(after: 2)).map(\.message), ["three"])
        XCTAssertEqual(store.lines(LogQuery(limit: 1)).map(\.message), ["one"])
    }

    func testKeepsTheNewestLinesUpToItsCapacity() {
        let store = LogStore(capacity: 4)
        for index in 1...20 { store.append(LogOrigin(functionId: "f"), callId: "c", stream: .stdout, message: "\(index)") }
        XCTAssertEqual(store.lines().map(\.message), ["17", "18", "19", "20"])
    }

    private final class TestClock: @unchecked Sendable {
        var now: Date
        init(_ now: Date) { self.now = now }
    }
}

final class OutputCaptureTests: XCTestCase {
    func testSettleWaitsForEverythingWrittenBeforeIt() async throws {
        let received = Received()
        let capture = try OutputCapture(stream: .stdout) { _, line in received.append(line) }
        capture.start()
        let writer = capture.childDescriptor
        for text in ["first\n", "second\r\n", "unfinished"] {
            _ = text.withCString { write(writer, $0, strlen($0)) }
        }
        await capture.settle()
        XCTAssertEqual(received.lines, ["first", "second", "unfinished"])
        _ = "after\n".withCString { write(writer, $0, strlen($0)) }
        capture.close()
        await capture.waitUntilFinished()
        XCTAssertEqual(received.lines, ["first", "second", "unfinished", "after"])
        await capture.settle()  // after the end: returns at once
    }

    func testLongLinesAreCut() async throws {
        let received = Received()
        let capture = try OutputCapture(stream: .stderr) { _, line in received.append(line) }
        capture.start()
        let long = String(repeating: "x", count: OutputCapture.maxLineBytes + 10) + "\n"
        _ = long.withCString { write(capture.childDescriptor, $0, strlen($0)) }
        await capture.settle()
        XCTAssertEqual(received.lines.map(\.count), [OutputCapture.maxLineBytes, 10])
        capture.close()
    }

    private final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func append(_ line: String) { lock.withLock { stored.append(line) } }
        var lines: [String] { lock.withLock { stored } }
    }
}
