// A small leveled logger. Messages are built only when their level is enabled,
// and callers pass header lists through HTTPHeaders.redactedDescription, so no
// credential reaches a log line.
import Glibc

public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug, info, warning, error, off

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    /// Parses Lithops' log_level values (DEBUG, INFO, WARNING, ERROR, CRITICAL; any case).
    public init?(name: String) {
        switch name.uppercased() {
        case "DEBUG": self = .debug
        case "INFO": self = .info
        case "WARNING", "WARN": self = .warning
        case "ERROR", "CRITICAL": self = .error
        case "OFF", "NONE": self = .off
        default: return nil
        }
    }

    var label: String {
        switch self {
        case .debug: "DEBUG"
        case .info: "INFO"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .off: "OFF"
        }
    }
}

public struct Logger: Sendable {
    public typealias Sink = @Sendable (LogLevel, String) -> Void

    public let level: LogLevel
    private let sink: Sink

    public init(level: LogLevel, sink: @escaping Sink = Logger.standardError) {
        self.level = level
        self.sink = sink
    }

    /// Logs nothing.
    public static let disabled = Logger(level: .off) { _, _ in }

    /// Writes "oraclefn LEVEL message" lines to stderr.
    public static let standardError: Sink = { level, message in
        var line = "oraclefn \(level.label) \(message)\n"
        line.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    public func isEnabled(_ level: LogLevel) -> Bool { level != .off && level >= self.level }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        if isEnabled(level) { sink(level, message()) }
    }

    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
}
