import Foundation

/// Handler output as OCI Logging keeps it in an application's invoke log, shaped as SearchLogs returns Functions
/// invoke records: `{"datetime": <epoch ms>, "logContent": {"data": {"applicationId", "functionId", "requestId",
/// "src", "message"}, "id", "oracle": {"compartmentid", "ingestedtime", "loggroupid", "logid", "tenantid"},
/// "source": <function name>, "specversion": "1.0", "subject": "", "time", "type"}}`.
enum InvokeLogRecords {
    static let type = "com.oraclecloud.functions.application.functioninvoke"

    /// The lines of the log's application written since the log was created, between `start` (inclusive) and
    /// `end` (exclusive), as records.
    static func records(of invokeLog: LoggingStore.InvokeLog, lines: [LogLine], start: Date, end: Date) -> [JSONValue] {
        let from = max(start, invokeLog.since)
        return lines.filter { $0.origin.applicationId == invokeLog.applicationId && $0.time >= from && $0.time < end }
            .map { record(of: $0, in: invokeLog.log) }
    }

    static func record(of line: LogLine, in log: LogResource) -> JSONValue {
        let time = JSONValue.string(Identifiers.timestamp(line.time))
        let content: [String: JSONValue] = [
            "data": .object([
                "applicationId": .string(line.origin.applicationId),
                "functionId": .string(line.origin.functionId),
                "requestId": .string(line.callId),
                "src": .string(line.stream.rawValue.uppercased()),
                "message": .string(line.message),
            ]),
            "id": .string(recordId(sequence: line.sequence, logId: log.id)),
            "oracle": .object([
                "compartmentid": .string(log.compartmentId),
                "ingestedtime": time,
                "loggroupid": .string(log.logGroupId),
                "logid": .string(log.id),
                "tenantid": .string(log.tenancyId),
            ]),
            "source": .string(line.origin.functionName),
            "specversion": .string("1.0"),
            "subject": .string(""),
            "time": time,
            "type": .string(Self.type),
        ]
        return .object(["datetime": .number((line.time.timeIntervalSince1970 * 1000).rounded(.down)), "logContent": .object(content)])
    }

    /// The same for every search, so a reader whose windows overlap can tell records it has seen; unique per
    /// line and log.
    static func recordId(sequence: Int, logId: String) -> String {
        // FNV-1a: a stable hash (Swift's Hasher is seeded per process)
        let hash = logId.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16).leftPadded(to: 16) + String(sequence, radix: 16).leftPadded(to: 16)
        let digits = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }.joined(separator: "-")
    }

    /// The field names and types of a record, for `isReturnFieldInfo`.
    static let fields: [(name: String, type: String)] = [
        ("datetime", "NUMBER"), ("data.applicationId", "STRING"), ("data.functionId", "STRING"), ("data.requestId", "STRING"),
        ("data.src", "STRING"), ("data.message", "STRING"), ("id", "STRING"), ("oracle.compartmentid", "STRING"),
        ("oracle.ingestedtime", "STRING"), ("oracle.loggroupid", "STRING"), ("oracle.logid", "STRING"), ("oracle.tenantid", "STRING"),
        ("source", "STRING"), ("specversion", "STRING"), ("subject", "STRING"), ("time", "STRING"), ("type", "STRING"),
    ]
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
