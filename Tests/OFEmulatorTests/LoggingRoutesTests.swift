import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

@testable import OFEmulator

/// Log groups, logs and SearchLogs in-process, on a clock the test moves: which lines an invoke log holds.
final class LoggingRoutesTests: XCTestCase {
    private final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var date: Date
        init(_ date: Date) { self.date = date }
        var now: Date {
            get { lock.withLock { date } }
            set { lock.withLock { date = newValue } }
        }
    }

    private static let compartment = "ocid1.compartment.oc1..c"
    private static let start = Date(timeIntervalSince1970: 1_800_000_000)

    func testAnInvokeLogHoldsItsApplicationsLinesFromWhenItWasCreatedWithinTheWindow() async throws {
        let (compartment, start) = (Self.compartment, Self.start)
        let clock = Clock(start)
        let lines = LogStore(clock: { clock.now })
        let app = LogOrigin(functionId: "ocid1.fnfunc.oc1..f", functionName: "hello", applicationId: "ocid1.fnapp.oc1..a", compartmentId: compartment)
        let other = LogOrigin(functionId: "ocid1.fnfunc.oc1..g", functionName: "other", applicationId: "ocid1.fnapp.oc1..b", compartmentId: compartment)
        lines.append(app, callId: "c0", stream: .stdout, message: "before the log")

        let router = Router(context: EmulatorRequestContext.self)
        router.add(middleware: OCIResponseMiddleware())
        LoggingRoutes(
            store: LoggingStore(tenancy: "ocid1.tenancy.oc1..t", clock: { clock.now }), lines: lines,
            workRequests: WorkRequestLog(ocidType: "loggingworkrequest", clock: { clock.now }),
            applicationExists: { $0 == "ocid1.fnapp.oc1..a" || $0 == "ocid1.fnapp.oc1..b" }
        ).register(on: router)

        try await Application(router: router).test(.router) { client in
            clock.now = start.addingTimeInterval(10)
            let groupId = try await Self.created(client, "/20200531/logGroups", #"{"compartmentId": "\#(compartment)", "displayName": "g"}"#)
            let logId = try await Self.created(client, "/20200531/logGroups/\(groupId)/logs", """
                {"displayName": "a_invoke", "logType": "SERVICE", "configuration": {"source":
                 {"sourceType": "OCISERVICE", "service": "functions", "resource": "ocid1.fnapp.oc1..a", "category": "invoke"}}}
                """)
            clock.now = start.addingTimeInterval(20)
            lines.append(app, callId: "c1", stream: .stdout, message: "first")
            lines.append(other, callId: "c2", stream: .stdout, message: "not in this log")
            clock.now = start.addingTimeInterval(30)
            lines.append(app, callId: "c3", stream: .stderr, message: "second")

            let scope = "search \\\"\(compartment)/\(groupId)/\(logId)\\\""
            let all = try await Self.search(client, scope, from: 0, to: 60)
            XCTAssertEqual(all.map(\.message), ["first", "second"], "nothing from before the log, nor of another application")
            XCTAssertEqual(all.map(\.src), ["STDOUT", "STDERR"])
            XCTAssertEqual(all.first?.datetime, (start.timeIntervalSince1970 + 20) * 1000)
            XCTAssertEqual(all.first?.time, "2027-01-15T08:00:20.000Z")
            let window = try await Self.search(client, scope, from: 25, to: 30)
            XCTAssertEqual(window.map(\.message), [], "timeEnd is exclusive")
            let later = try await Self.search(client, scope, from: 25, to: 31)
            XCTAssertEqual(later.map(\.message), ["second"])
            let stderr = try await Self.search(client, scope + " | where data.src = 'STDERR' or data.message = 'first' | sort by datetime desc", from: 0, to: 60)
            XCTAssertEqual(stderr.map(\.message), ["second", "first"])

            let unknown = try await client.execute(uri: "/20200531/workRequests/ocid1.loggingworkrequest.oc1..x", method: .get)
            XCTAssertEqual(unknown.status, .notFound)
        }
    }

    private struct Found: Decodable {
        var message: String
        var src: String
        var datetime: Double
        var time: String
    }

    private static func search(_ client: some TestClientProtocol, _ query: String, from: TimeInterval, to: TimeInterval) async throws -> [Found] {
        let body = """
            {"timeStart": "\(Identifiers.timestamp(start + from))", "timeEnd": "\(Identifiers.timestamp(start + to))", "searchQuery": "\(query)"}
            """
        let response = try await client.execute(uri: "/20190909/search", method: .post, body: ByteBuffer(string: body))
        XCTAssertEqual(response.status, .ok, String(buffer: response.body))
        let answer = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
        guard case .object(let members) = answer, case .array(let results)? = members["results"] else { return [] }
        return results.compactMap { result in
            guard case .object(let wrapper) = result, let record = wrapper["data"],
                case .string(let message)? = LogSearchQuery.value(["data", "message"], in: record),
                case .string(let src)? = LogSearchQuery.value(["data", "src"], in: record),
                case .number(let datetime)? = LogSearchQuery.value(["datetime"], in: record),
                case .string(let time)? = LogSearchQuery.value(["time"], in: record)
            else { return nil }
            return Found(message: message, src: src, datetime: datetime, time: time)
        }
    }

    /// POSTs a creation, expects 202 and returns the OCID its work request names.
    private static func created(_ client: some TestClientProtocol, _ uri: String, _ body: String) async throws -> String {
        let response = try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: body))
        XCTAssertEqual(response.status, .accepted, String(buffer: response.body))
        let id = try XCTUnwrap(response.headers[HTTPField.Name("opc-work-request-id")!])
        let read = try await client.execute(uri: "/20200531/workRequests/\(id)", method: .get)
        let request = try JSONDecoder().decode(WorkRequest.self, from: Data(buffer: read.body))
        XCTAssertEqual(request.status, "SUCCEEDED")
        return try XCTUnwrap(request.resources.first?.identifier)
    }
}
