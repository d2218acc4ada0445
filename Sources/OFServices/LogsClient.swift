// Function logs: the emulator's log endpoint (GET /oraclefn/logs) and OCI Logging search (API 20190909).
import FoundationEssentials
import OFConfig
import OFTransport

/// One line a function wrote while it ran a call.
public struct FunctionLogLine: Codable, Sendable, Equatable {
    /// When it was written, RFC 3339.
    public var time: String
    public var functionId: String
    /// The call: its Fn-Call-Id on the emulator, the invocation's request id on OCI.
    public var callId: String
    /// "stdout" or "stderr".
    public var stream: String
    public var message: String

    public init(time: String, functionId: String, callId: String, stream: String, message: String) {
        self.time = time
        self.functionId = functionId
        self.callId = callId
        self.stream = stream
        self.message = message
    }
}

/// A page of the emulator's log: lines oldest first, and the sequence number to read on from.
public struct EmulatorLogPage: Sendable, Equatable {
    public var lines: [FunctionLogLine]
    /// Pass it as `after` to read only newer lines; the `after` given when there were none.
    public var lastSequence: Int
}

/// A line found by OCI Logging search, with the id that tells it from its neighbours when windows overlap.
public struct LogRecord: Sendable, Equatable {
    public var id: String
    public var line: FunctionLogLine
}

/// What to search in OCI Logging: a query over a time window.
public struct LogSearch: Sendable, Equatable {
    public var start: Date
    public var end: Date
    public var query: String

    public init(start: Date, end: Date, query: String) {
        self.start = start
        self.end = end
        self.query = query
    }

    /// The invocation log of an application (a log in a log group of the compartment), oldest first, only the
    /// function's lines when `functionId` is given.
    public static func functionLog(
        compartmentId: String, logGroupId: String, logId: String, functionId: String? = nil, start: Date, end: Date
    ) throws(ClientError) -> LogSearch {
        for (what, id) in [("compartment", compartmentId), ("log group", logGroupId), ("log", logId), ("function", functionId ?? "")] {
            // OCIDs go into the query text, so only their own alphabet may
            guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }) else {
                throw ClientError(.invalidArgument, "the \(what) id \"\(id)\" is not an OCID; give the OCID as the console shows it")
            }
        }
        var query = "search \"\(compartmentId)/\(logGroupId)/\(logId)\""
        if let functionId { query += " | where data.functionId = '\(functionId)'" }
        return LogSearch(start: start, end: end, query: query + " | sort by datetime asc")
    }
}

public struct LogsClient: Sendable {
    public let service: ServiceClient

    public init(service: ServiceClient) { self.service = service }

    // MARK: the emulator

    /// Lines the emulator's handlers wrote, oldest first: those with a sequence number after `after`, of one
    /// function, written at or after `since` (RFC 3339 or epoch seconds), at most `limit` (10,000).
    public func emulatorLines(after: Int? = nil, functionId: String? = nil, since: String? = nil, limit: Int? = nil) async throws -> EmulatorLogPage {
        let query = PercentEncoding.query([
            ("functionId", functionId), ("since", since), ("after", after.map(String.init)), ("limit", limit.map(String.init)),
        ])
        let page = try await service.sendJSON(EmulatorAnswer.self, "ListEmulatorLogs", "GET", service.endpoints.functions + "/oraclefn/logs" + query)
        return EmulatorLogPage(
            lines: page.lines.map {
                FunctionLogLine(time: $0.time, functionId: $0.functionId, callId: $0.callId, stream: $0.stream, message: $0.message)
            },
            lastSequence: page.lastSequence)
    }

    /// Whether the Functions endpoint is an oraclefn emulator, which serves its handlers' logs; OCI answers 404.
    public func servesEmulatorLogs() async throws -> Bool {
        do {
            _ = try await emulatorLines(limit: 1)
            return true
        } catch let error as ServiceError where error.httpStatus == 404 {
            return false
        }
    }

    /// Whether `configuration` sends Functions to an oraclefn emulator rather than to OCI: only an oracle_f endpoint
    /// can be one (OCI's regional endpoints are not asked), and only the emulator serves its handlers' logs there.
    public func isEmulator(configuration: Configuration) async throws -> Bool {
        guard configuration.functions.endpoint != nil else { return false }
        return try await servesEmulatorLogs()
    }

    private struct EmulatorAnswer: Decodable {
        struct Line: Decodable {
            var sequence: Int
            var time: String
            var functionId: String
            var callId: String
            var stream: String
            var message: String
        }
        var lines: [Line]
        var lastSequence: Int
    }

    // MARK: OCI Logging

    /// Every record the search finds (all pages), in the order the query sorts them.
    public func search(_ search: LogSearch) async throws -> [LogRecord] {
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let details = SearchLogsDetails(
            timeStart: search.start.formatted(format), timeEnd: search.end.formatted(format), searchQuery: search.query, isReturnFieldInfo: false)
        let body = try ServiceClient.jsonBody(details)
        var records: [LogRecord] = []
        var page: String?
        repeat {
            let url = service.endpoints.logging + "/20190909/search" + PercentEncoding.query([("limit", "1000"), ("page", page)])
            let response = try await service.send("SearchLogs", "POST", url, body: body)
            let answer = try OCIJSON.decode(SearchResponse.self, response.body, operation: "SearchLogs")
            records += (answer.results ?? []).compactMap(\.record)
            page = response.headers["opc-next-page"].flatMap { $0.isEmpty ? nil : $0 }
        } while page != nil
        return records
    }

    private struct SearchLogsDetails: Encodable {
        var timeStart: String
        var timeEnd: String
        var searchQuery: String
        var isReturnFieldInfo: Bool
    }

    /// SearchResponse; each result's `data` is one log entry as OCI Logging stores it (`logContent`).
    struct SearchResponse: Decodable {
        struct Result: Decodable {
            struct Entry: Decodable {
                struct Content: Decodable {
                    struct FunctionData: Decodable {
                        var functionId: String?
                        var requestId: String?
                        var src: String?
                        var message: String?
                    }
                    var id: String?
                    var time: String?
                    var data: FunctionData?
                }
                var logContent: Content?
            }
            var data: Entry?

            /// The entry as a function log line; nil for an entry that is not one (no message).
            var record: LogRecord? {
                guard let content = data?.logContent, let fields = content.data, let message = fields.message else { return nil }
                let line = FunctionLogLine(
                    time: content.time ?? "", functionId: fields.functionId ?? "", callId: fields.requestId ?? "",
                    stream: (fields.src ?? "").lowercased(), message: message)
                return LogRecord(id: content.id ?? "", line: line)
            }
        }
        var results: [Result]?
    }
}
