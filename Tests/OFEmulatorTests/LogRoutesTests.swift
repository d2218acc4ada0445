import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

@testable import OFEmulator

/// The logs endpoint `oraclefn logs poll` reads: filters, `after` polling and the JSON shape.
final class LogRoutesTests: XCTestCase {
    func testServesLinesAndPollsWithAfter() async throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let now = LockedDate(start)
        let logs = LogStore(clock: { now.value })
        logs.append(LogOrigin(functionId: "fn-1"), callId: "call-a", stream: .stdout, message: "first")
        now.value = start.addingTimeInterval(10)
        logs.append(LogOrigin(functionId: "fn-2"), callId: "call-b", stream: .stderr, message: "other function")
        logs.append(LogOrigin(functionId: "fn-1"), callId: "call-c", stream: .stderr, message: "second")

        let router = Router(context: EmulatorRequestContext.self)
        router.add(middleware: OCIResponseMiddleware())
        LogRoutes(logs: logs).register(on: router)
        try await Application(router: router).test(.router) { client in
            let all = try await Self.answer(client, "/oraclefn/logs?functionId=fn-1")
            XCTAssertEqual(all.lines.map(\.message), ["first", "second"])
            XCTAssertEqual(all.lines.first, .init(sequence: 1, time: "2027-01-15T08:00:00.000Z", functionId: "fn-1", callId: "call-a", stream: "stdout", message: "first"))
            XCTAssertEqual(all.lastSequence, 3)

            let newer = try await Self.answer(client, "/oraclefn/logs?functionId=fn-1&after=1")
            XCTAssertEqual(newer.lines.map(\.message), ["second"])
            let nothingNew = try await Self.answer(client, "/oraclefn/logs?after=3")
            XCTAssertEqual(nothingNew.lines, [])
            XCTAssertEqual(nothingNew.lastSequence, 3, "an empty answer keeps the poller's place")

            let byCall = try await Self.answer(client, "/oraclefn/logs?callId=call-b")
            XCTAssertEqual(byCall.lines.map(\.stream), ["stderr"])
            let since = try await Self.answer(client, "/oraclefn/logs?since=2027-01-15T08:00:05Z")
            XCTAssertEqual(since.lines.map(\.message), ["other function", "second"])
            let sinceEpoch = try await Self.answer(client, "/oraclefn/logs?since=1800000005&limit=1")
            XCTAssertEqual(sinceEpoch.lines.map(\.message), ["other function"])

            let bad = try await client.execute(uri: "/oraclefn/logs?since=yesterday", method: .get)
            XCTAssertEqual(bad.status, .badRequest)
            XCTAssertTrue(String(buffer: bad.body).contains("since"))
        }
    }

    private final class LockedDate: @unchecked Sendable {
        private let lock = NSLock()
        private var date: Date
        init(_ date: Date) { self.date = date }
        var value: Date {
            get { self.lock.withLock { self.date } }
            set { self.lock.withLock { self.date = newValue } }
        }
    }

    private static func answer(_ client: some TestClientProtocol, _ uri: String) async throws -> LogRoutes.Answer {
        let response = try await client.execute(uri: uri, method: .get)
        XCTAssertEqual(response.status, .ok, String(buffer: response.body))
        return try JSONDecoder().decode(LogRoutes.Answer.self, from: Data(buffer: response.body))
    }
}
