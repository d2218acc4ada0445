// The functions' logs from C, as `oraclefn logs poll` follows them.
import COraclefnTypes
import FoundationEssentials
import OFConfig
import OFEngine
import OFServices
import OFLocking

final class LogsHandle: Handle {
    let follower: any LogFollower
    /// A follower reads on from where it stopped, so reads take turns.
    let reading = Locked(())

    init(_ follower: any LogFollower) { self.follower = follower }
}

private struct LogsOptions: Decodable {
    var function: String?
    var since: String?
}

/// Opens a follower of the functions' logs: on an emulator its log endpoint,
/// on Oracle Functions OCI Logging (which needs oracle_f.log_group_id and
/// log_id: OFN_ECONFIG says how to set them up otherwise). `options_json`
/// (may be NULL): "function" (an OCID or a function's name; default: every
/// function), "since" (an RFC 3339 time, epoch seconds, or an age such as
/// "30s", "10m", "2h", "1d"; default "5m"). Read with ofn_logs_next(); free
/// with ofn_logs_free().
@c(ofn_logs_open)
public func ofnLogsOpen(
    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ session: OpaquePointer?, _ optionsJSON: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        guard let out else { throw CError.invalid("out must not be NULL") }
        out.pointee = nil
        let session = try SessionHandle.session(session)
        let configuration = session.configuration
        var options = LogsOptions()
        if let text = try Marshal.options(optionsJSON) {
            options = try CJSON.decode(
                LogsOptions.self, text, "options_json", example: "{\"function\": \"hello\", \"since\": \"10m\"}", allowed: ["function", "since"])
        }
        let since = options.since ?? "5m"
        guard let start = LogStart.parse(since, now: Date()) else {
            throw CError.invalid("option \"since\" is \"\(since)\"; give \(LogStart.help)")
        }
        let management = session.functions
        let logs = session.logs
        let function = options.function
        let follower = try blocking { () -> any LogFollower in
            var functionId: String?
            if let function { functionId = try await FunctionLogs.functionId(of: function, management: management) }
            let isEmulator = try await session.isEmulator()
            return try FunctionLogs.follower(configuration: configuration, logs: logs, isEmulator: isEmulator, functionId: functionId, start: start)
        }
        out.pointee = LogsHandle(follower).register()
    }
}

/// The lines written since the last read (since the start, first), oldest
/// first, as a JSON array of objects: "time" (RFC 3339), "functionId",
/// "callId", "stream" ("stdout" or "stderr"), "message". Empty when there is
/// nothing new; poll again later. Reads of one follower take turns.
@c(ofn_logs_next)
public func ofnLogsNext(_ out: UnsafeMutablePointer<ofn_buf>?, _ logs: OpaquePointer?) -> ofn_status {
    guarded {
        let out = try Marshal.output(out)
        let handle = try Handle.borrow(logs, as: LogsHandle.self, "logs")
        let lines = try handle.reading.withLock { _ in try blocking { try await handle.follower.next() } }
        try Marshal.fill(out, try CJSON.encode(lines))
    }
}

@c(ofn_logs_free)
public func ofnLogsFree(_ logs: OpaquePointer?) { Handle.release(logs, as: LogsHandle.self) }
