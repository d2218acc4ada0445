// Following the functions' logs as `lithops logs poll` does: the emulator's log endpoint, or OCI Logging.
import FoundationEssentials
import OFConfig
import OFServices

/// Reads the log lines written since it last read. One reader at a time: calls to `next()` must not overlap.
public protocol LogFollower: Sendable {
    func next() async throws -> [FunctionLogLine]
}

/// Where a log follower starts.
public enum LogStart {
    /// The time `since` stands for: an age (`30s`, `10m`, `2h`, `1d`) before `now`, epoch seconds, or RFC 3339
    /// (`2026-06-02T10:20:30Z`); nil for anything else.
    /// An age reaching back before 1970 starts there; nil for times that are not finite or lie outside 1970...9999,
    /// which no log holds and which dates cannot be written as.
    public static func parse(_ since: String, now: Date) -> Date? {
        if let unit = since.last, let scale = ["s": 1.0, "m": 60, "h": 3600, "d": 86_400][String(unit)],
           let count = Double(since.dropLast()), count >= 0, count.isFinite {
            return max(now.addingTimeInterval(-count * scale), Date(timeIntervalSince1970: 0))
        }
        if let seconds = Double(since) { return seconds.isFinite ? inRange(Date(timeIntervalSince1970: seconds)) : nil }
        let parsed = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(since)) ?? (try? Date.ISO8601FormatStyle().parse(since))
        return parsed.flatMap(inRange)
    }

    /// 9999-12-31T23:59:59Z, the last time RFC 3339 writes.
    private static let latest = Date(timeIntervalSince1970: 253_402_300_799)

    private static func inRange(_ date: Date) -> Date? {
        (Date(timeIntervalSince1970: 0)...latest).contains(date) ? date : nil
    }

    public static let help = "an RFC 3339 time (2026-06-02T10:20:30Z), epoch seconds, or an age such as 30s, 10m, 2h or 1d"
}

/// Opening a log follower, and what it needs.
public enum FunctionLogs {
    /// A follower of the functions' logs from `start`, of one function or all. With `oracle_f.log_group_id` and
    /// `log_id` set it searches that log in OCI Logging (on Oracle Functions, and on an emulator, which serves
    /// Logging search too); without them, on an emulator (`isEmulator`, see `LogsClient.servesEmulatorLogs()`) it
    /// reads the emulator's log endpoint, and on Oracle Functions it fails with a `.configuration` error saying
    /// how to set them up.
    public static func follower(
        configuration: Configuration, logs: LogsClient, isEmulator: Bool, functionId: String?, start: Date
    ) throws -> any LogFollower {
        let functions = configuration.functions
        if let logGroupId = functions.logGroupId, let logId = functions.logId {
            return OCILogFollower(
                logs: logs, compartmentId: functions.compartmentId, logGroupId: logGroupId, logId: logId, functionId: functionId, start: start)
        }
        if isEmulator { return EmulatorLogFollower(logs: logs, functionId: functionId, start: start) }
        let application = RuntimeNaming.applicationName(configuration: configuration)
        throw EngineError(.configuration, "logs on Oracle Functions are kept by OCI Logging: run `oraclefn logs enable --write-config` to enable the invocation log of application \(application) and set log_group_id and log_id in the oracle_f section (or enable it in the console, its Logs tab, and set them to the OCIDs of that log's group and of the log); without them, `oraclefn logs get JOB` prints the output a job's calls reported")
    }

    /// The OCID of a function given by OCID or by name (searched in the compartment's applications).
    public static func functionId(of function: String, management: FunctionsManagementClient) async throws -> String {
        if function.hasPrefix("ocid1.fnfunc.") { return function }
        do {
            for application in try await management.listApplications() {
                if let found = try await management.listFunctions(applicationId: application.id, displayName: function).first { return found.id }
            }
        } catch {
            throw EngineError(error, while: "finding function \(function)")
        }
        throw EngineError(.notFound, "no function named \(function) in compartment \(management.compartmentId); give its OCID or the name `oraclefn runtime list` shows")
    }
}

/// The emulator's log, read on from the last sequence number seen.
final class EmulatorLogFollower: LogFollower, @unchecked Sendable {
    /// Lines asked for at once (the endpoint's most).
    static let pageLimit = 10_000

    private let logs: LogsClient
    private let functionId: String?
    private let since: String
    // one reader at a time (LogFollower), so no lock
    private var after: Int?

    init(logs: LogsClient, functionId: String?, start: Date) {
        self.logs = logs
        self.functionId = functionId
        self.since = String(start.timeIntervalSince1970)
    }

    func next() async throws -> [FunctionLogLine] {
        var lines: [FunctionLogLine] = []
        while true {
            let page: EmulatorLogPage
            do {
                page = try await logs.emulatorLines(after: after, functionId: functionId, since: since, limit: Self.pageLimit)
            } catch {
                throw EngineError(error, while: "reading the emulator's logs")
            }
            lines += page.lines
            after = page.lastSequence
            if page.lines.count < Self.pageLimit { return lines }
        }
    }
}

/// OCI Logging searched over a window that overlaps the last one, since lines are ingested late; lines already
/// read (by their record id) are skipped.
final class OCILogFollower: LogFollower, @unchecked Sendable {
    /// How far back each search reaches past the previous one's end.
    static let overlap: TimeInterval = 120

    private let logs: LogsClient
    private let compartmentId: String
    private let logGroupId: String
    private let logId: String
    private let functionId: String?
    // one reader at a time (LogFollower), so no lock
    private var start: Date
    private var seen: Set<String> = []

    init(logs: LogsClient, compartmentId: String, logGroupId: String, logId: String, functionId: String?, start: Date) {
        self.logs = logs
        self.compartmentId = compartmentId
        self.logGroupId = logGroupId
        self.logId = logId
        self.functionId = functionId
        self.start = start
    }

    func next() async throws -> [FunctionLogLine] {
        let end = Date()
        // a start in the future: nothing can have been written yet (and Logging refuses a window that ends first)
        guard start < end else { return [] }
        let records: [LogRecord]
        do {
            let search = try LogSearch.functionLog(
                compartmentId: compartmentId, logGroupId: logGroupId, logId: logId, functionId: functionId, start: start, end: end)
            records = try await logs.search(search)
        } catch {
            throw EngineError(error, while: "searching log \(logId) in OCI Logging")
        }
        let fresh = records.filter { !seen.contains($0.id) }
        seen = Set(records.map(\.id))
        start = max(start, end.addingTimeInterval(-Self.overlap))
        return fresh.map(\.line)
    }
}
