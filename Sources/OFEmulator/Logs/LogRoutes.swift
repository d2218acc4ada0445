import Foundation
import Hummingbird

/// Serves the handlers' captured output for `oraclefn logs poll`:
/// `GET /oraclefn/logs?functionId=&callId=&since=&after=&limit=` answers
/// `{"lines": [{"sequence", "time", "functionId", "callId", "stream", "message"}], "lastSequence": N}`.
/// A poller passes the `lastSequence` it got as `after` to read only newer lines.
struct LogRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    static let path = "/oraclefn/logs"
    static let maxLimit = 10_000

    struct Line: Codable, Equatable {
        var sequence: Int
        var time: String
        var functionId: String
        var callId: String
        var stream: String
        var message: String
    }

    struct Answer: Codable, Equatable {
        var lines: [Line]
        /// The sequence of the last line returned, or the `after` given when there is none.
        var lastSequence: Int
    }

    let logs: LogStore

    func register(on router: Router<Context>) {
        router.get(RouterPath(Self.path)) { request, _ in
            let query = try Self.logQuery(request.queryParameters())
            let lines = self.logs.lines(query)
            let answer = Answer(
                lines: lines.map {
                    Line(sequence: $0.sequence, time: Identifiers.timestamp($0.time), functionId: $0.functionId, callId: $0.callId,
                         stream: $0.stream.rawValue, message: $0.message)
                },
                lastSequence: lines.last?.sequence ?? query.after ?? 0
            )
            return try Responses.json(answer)
        }
    }

    static func logQuery(_ query: [String: String]) throws(OCIError) -> LogQuery {
        var result = LogQuery(functionId: query["functionId"], callId: query["callId"], limit: Self.maxLimit)
        if let since = query["since"] {
            guard let date = Self.date(since) else {
                throw .invalidParameter("since '\(since)' is not an RFC 3339 time (2026-06-02T10:20:30Z) or epoch seconds.")
            }
            result.since = date
        }
        if let after = query["after"] {
            guard let value = Int(after), value >= 0 else {
                throw .invalidParameter("after '\(after)' is not a sequence number; pass the lastSequence of the previous answer.")
            }
            result.after = value
        }
        if let limit = query["limit"] {
            guard let value = Int(limit), (1...Self.maxLimit).contains(value) else {
                throw .invalidParameter("limit must be a whole number from 1 to \(Self.maxLimit), not '\(limit)'.")
            }
            result.limit = value
        }
        return result
    }

    private static func date(_ text: String) -> Date? {
        if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        return Identifiers.date(text)
    }
}
