import Foundation
import OFLocking

/// The function a line came from, with what OCI Logging records about it.
public struct LogOrigin: Sendable, Codable, Equatable {
    public var functionId: String
    public var functionName: String
    public var applicationId: String
    public var compartmentId: String

    public init(functionId: String, functionName: String = "", applicationId: String = "", compartmentId: String = "") {
        self.functionId = functionId
        self.functionName = functionName
        self.applicationId = applicationId
        self.compartmentId = compartmentId
    }
}

extension FunctionRecord {
    public var logOrigin: LogOrigin {
        LogOrigin(functionId: id, functionName: displayName, applicationId: applicationId, compartmentId: compartmentId)
    }
}

/// One line a handler wrote, attributed to the call it was running.
public struct LogLine: Sendable, Codable, Equatable {
    public enum Stream: String, Sendable, Codable { case stdout, stderr }

    /// Increases by one per line kept; a poller passes the last one it saw as `after`.
    public let sequence: Int
    public let time: Date
    public let origin: LogOrigin
    public let callId: String
    public let stream: Stream
    public let message: String

    public var functionId: String { origin.functionId }
}

/// Which lines a reader wants; nil fields do not filter.
public struct LogQuery: Sendable, Equatable {
    public var functionId: String?
    public var callId: String?
    /// Only lines written at or after this time.
    public var since: Date?
    /// Only lines with a larger sequence number.
    public var after: Int?
    public var limit: Int?

    public init(functionId: String? = nil, callId: String? = nil, since: Date? = nil, after: Int? = nil, limit: Int? = nil) {
        self.functionId = functionId
        self.callId = callId
        self.since = since
        self.after = after
        self.limit = limit
    }
}

/// Every call's stdout and stderr, in memory, oldest first. Keeps the newest `capacity` lines.
public final class LogStore: Sendable {
    private struct State {
        var lines: [LogLine] = []
        var nextSequence = 1
    }

    public let capacity: Int
    private let clock: @Sendable () -> Date
    private let state = Locked(State())

    public init(capacity: Int = 100_000, clock: @escaping @Sendable () -> Date = Date.init) {
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    public func append(_ origin: LogOrigin, callId: String, stream: LogLine.Stream, message: String) {
        let time = clock()
        state.withLock { state in
            state.lines.append(
                LogLine(sequence: state.nextSequence, time: time, origin: origin, callId: callId, stream: stream, message: message))
            state.nextSequence += 1
            // trim in batches so appending stays cheap
            if state.lines.count >= capacity + capacity / 4 + 1 {
                state.lines.removeFirst(state.lines.count - capacity)
            }
        }
    }

    public func lines(_ query: LogQuery = LogQuery()) -> [LogLine] {
        let kept = state.withLock { state in
            state.lines.suffix(capacity).filter { line in
                (query.functionId == nil || line.functionId == query.functionId)
                    && (query.callId == nil || line.callId == query.callId)
                    && (query.since.map { line.time >= $0 } ?? true)
                    && (query.after.map { line.sequence > $0 } ?? true)
            }
        }
        guard let limit = query.limit else { return kept }
        return Array(kept.prefix(max(0, limit)))
    }
}
