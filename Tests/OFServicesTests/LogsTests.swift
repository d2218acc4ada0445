import Foundation
import OFConfig
@testable import OFServices
import OFTransport
import XCTest

final class LogsTests: XCTestCase {
    var harness: EmulatorHarness!

    override func setUp() async throws { harness = try await EmulatorHarness() }
    override func tearDown() async throws { await harness?.stop() }

    func testEmulatorLinesOfAFunctionAndReadingOn() async throws {
        let management = try harness.management()
        let app = try await management.createApplication(displayName: "logs-app")
        let hello = try await management.createFunction(CreateFunctionDetails(applicationId: app.id, displayName: "hello", image: "oraclefn/hello", memoryInMBs: 128))
        let echo = try await management.createFunction(CreateFunctionDetails(applicationId: app.id, displayName: "echo", image: "oraclefn/echo", memoryInMBs: 128))
        let invoker = try harness.invoker()
        let call = try await invoker.invoke(functionId: hello.id, body: Array("logs".utf8))
        _ = try await invoker.invoke(functionId: echo.id, body: Array("x".utf8))

        let logs = LogsClient(service: try harness.service(.functions))
        let serves = try await logs.servesEmulatorLogs()
        XCTAssertTrue(serves)
        let page = try await logs.emulatorLines(functionId: hello.id)
        XCTAssertFalse(page.lines.isEmpty)
        XCTAssertTrue(page.lines.allSatisfy { $0.functionId == hello.id && $0.callId == call.callId })
        XCTAssertTrue(page.lines.contains { $0.stream == "stdout" && $0.message.contains("logs") }, "\(page.lines)")
        XCTAssertTrue(page.lines.allSatisfy { $0.time.hasSuffix("Z") })

        let newer = try await logs.emulatorLines(after: page.lastSequence, functionId: hello.id)
        XCTAssertEqual(newer.lines, [])
        XCTAssertEqual(newer.lastSequence, page.lastSequence, "an empty page keeps the after it was given")
        let all = try await logs.emulatorLines()
        XCTAssertTrue(all.lines.contains { $0.functionId == echo.id })
        let limited = try await logs.emulatorLines(limit: 1)
        XCTAssertEqual(limited.lines.count, 1)
    }

    func testOnlyAConfiguredFunctionsEndpointIsAskedWhetherItIsTheEmulator() async throws {
        let logs = LogsClient(service: try harness.service(.functions))
        let emulated = try await logs.isEmulator(configuration: harness.configuration)
        XCTAssertTrue(emulated)
        let asked = harness.requests.count
        let oci = try Configuration.load(path: Fixtures.validConfig)
        let ociEmulated = try await logs.isEmulator(configuration: oci)
        XCTAssertFalse(ociEmulated)
        XCTAssertEqual(harness.requests.count, asked, "OCI's own endpoint is not asked")
    }

    func testInvokeLogCreatedThroughWorkRequestsAndSearched() async throws {
        let management = try harness.management()
        let app = try await management.createApplication(displayName: "search-app")
        let hello = try await management.createFunction(CreateFunctionDetails(applicationId: app.id, displayName: "hello", image: "oraclefn/hello", memoryInMBs: 128))
        let invoker = try harness.invoker()
        _ = try await invoker.invoke(functionId: hello.id, body: Array("early".utf8))

        let logging = LoggingManagementClient(service: try harness.service(.functions))
        let compartmentId = harness.configuration.functions.compartmentId
        let groupId = try await logging.createLogGroup(compartmentId: compartmentId, displayName: "search-group", description: "test")
        let logId = try await logging.createInvokeLog(logGroupId: groupId, displayName: "search-app_invoke", applicationId: app.id)
        let groups = try await logging.listLogGroups(compartmentId: compartmentId, displayName: "search-group")
        XCTAssertEqual(groups.map(\.id), [groupId])
        let logs = try await logging.listLogs(logGroupId: groupId, sourceService: "functions", sourceResource: app.id)
        XCTAssertEqual(logs.map(\.id), [logId])
        XCTAssertEqual(logs.first?.configuration?.source.category, "invoke")

        let calls = 3
        var callIds: [String] = []
        for index in 0..<calls { callIds.append(try await invoker.invoke(functionId: hello.id, body: Array("call \(index)".utf8)).callId ?? "") }
        let logsClient = LogsClient(service: try harness.service(.functions))
        let search = try LogSearch.functionLog(
            compartmentId: compartmentId, logGroupId: groupId, logId: logId, functionId: hello.id,
            start: Date().addingTimeInterval(-600), end: Date().addingTimeInterval(60))
        let records = try await logsClient.search(search)
        XCTAssertEqual(records.map(\.line.callId), callIds, "the lines written once the log was enabled, oldest first")
        XCTAssertTrue(records.allSatisfy { $0.line.functionId == hello.id && $0.line.stream == "stdout" })
        XCTAssertTrue(records[0].line.message.hasPrefix("hello: greeting call 0 for call "), "\(records)")
        XCTAssertEqual(Set(records.map(\.id)).count, calls)

        let other = try LogSearch.functionLog(
            compartmentId: compartmentId, logGroupId: groupId, logId: logId, functionId: "ocid1.fnfunc.oc1..other",
            start: Date().addingTimeInterval(-600), end: Date())
        let none = try await logsClient.search(other)
        XCTAssertEqual(none, [])
    }

    func testSearchErrorsAreServiceErrors() async throws {
        let logs = LogsClient(service: try harness.service(.functions))
        let search = try LogSearch.functionLog(
            compartmentId: "ocid1.compartment.oc1..aaaa", logGroupId: "ocid1.loggroup.oc1.iad.bbbb", logId: "ocid1.log.oc1.iad.cccc",
            start: Date(timeIntervalSince1970: 0), end: Date(timeIntervalSince1970: 60))
        let error = await serviceError { _ = try await logs.search(search) }
        XCTAssertEqual(error?.operation, "SearchLogs")
        XCTAssertEqual(error?.httpStatus, 400)
        XCTAssertEqual(error?.code, "InvalidParameter")
        XCTAssertTrue(error?.message.contains("log group 'ocid1.loggroup.oc1.iad.bbbb'") == true, "\(String(describing: error))")
        XCTAssertTrue(harness.requests.contains { $0.hasPrefix("POST \(harness.configuration.functions.endpoint ?? "")/20190909/search?limit=1000") }, "\(harness.requests)")
    }

    func testSearchQueryOfAFunctionLog() throws {
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        let search = try LogSearch.functionLog(
            compartmentId: "ocid1.compartment.oc1..aaaa", logGroupId: "ocid1.loggroup.oc1.iad.bbbb", logId: "ocid1.log.oc1.iad.cccc",
            functionId: "ocid1.fnfunc.oc1.iad.dddd", start: start, end: start + 30)
        XCTAssertEqual(
            search.query,
            "search \"ocid1.compartment.oc1..aaaa/ocid1.loggroup.oc1.iad.bbbb/ocid1.log.oc1.iad.cccc\" | where data.functionId = 'ocid1.fnfunc.oc1.iad.dddd' | sort by datetime asc")
        XCTAssertEqual(search.end.timeIntervalSince(search.start), 30)
        XCTAssertThrowsError(try LogSearch.functionLog(
            compartmentId: "ocid1.compartment.oc1..aaaa", logGroupId: "g", logId: "l", functionId: "x' or '1'='1", start: start, end: start))
    }

    func testSearchResultsAreReadAsFunctionLines() throws {
        let body = """
            {"results": [
              {"data": {"datetime": 1780000000123, "logContent": {"id": "r1", "time": "2026-06-02T10:20:30.123Z",
                "source": "app", "subject": "fn", "type": "com.oraclecloud.functions.application.functioninvoke",
                "data": {"applicationId": "ocid1.fnapp.oc1..a", "functionId": "ocid1.fnfunc.oc1..f", "requestId": "/01J/ABC",
                         "src": "STDERR", "message": "boom"}}}},
              {"data": {"datetime": 1780000000124, "logContent": {"id": "r2", "data": {"note": "not a function line"}}}}
            ], "summary": {"resultCount": 2, "fieldCount": 0}}
            """
        let answer = try JSONDecoder().decode(LogsClient.SearchResponse.self, from: Data(body.utf8))
        let records = (answer.results ?? []).compactMap(\.record)
        XCTAssertEqual(records, [LogRecord(id: "r1", line: FunctionLogLine(
            time: "2026-06-02T10:20:30.123Z", functionId: "ocid1.fnfunc.oc1..f", callId: "/01J/ABC", stream: "stderr", message: "boom"))])
    }
}
