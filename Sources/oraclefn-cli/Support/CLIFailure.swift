import OFConfig
import OFEngine
import OFServices
import OFSigning
import OFTransport

/// A failure the CLI reports in one line on stderr and exits with; the exit statuses are documented in
/// docs/cli.md and in `oraclefn --help`.
enum CLIFailure: Error, CustomStringConvertible {
    /// 1: the operation failed (the service refused it, a call or a job failed, a build failed).
    case failed(String)
    /// 2: bad arguments, or a configuration that is missing or cannot be used.
    case usage(String)
    /// 3: what was asked for does not exist (a bucket, object, runtime or job).
    case notFound(String)
    /// 4: the service could not be reached (connection refused, timeout, TLS).
    case unreachable(String)
    /// 5: a program the command needs is missing or not working (python, docker or podman).
    case toolMissing(String)

    static let exitStatuses = """
        Exit status: 0 success; 1 the operation failed; 2 bad arguments or an unusable configuration; 3 not found; \
        4 the service could not be reached; 5 a needed program (python, docker or podman) is missing or not working.
        """

    var description: String {
        switch self {
        case .failed(let message), .usage(let message), .notFound(let message), .unreachable(let message), .toolMissing(let message):
            message
        }
    }

    var exitCode: Int32 {
        switch self {
        case .failed: 1
        case .usage: 2
        case .notFound: 3
        case .unreachable: 4
        case .toolMissing: 5
        }
    }

    /// The failure for any error a library layer throws, `doing` saying what the command was at.
    init(_ error: any Error, while doing: String) {
        let message = "\(doing): \(error)"
        switch error {
        case let failure as CLIFailure:
            self = failure
        case is ConfigError, is SigningError:
            self = .usage(message)
        case let error as ServiceError:
            self = error.httpStatus == 404 ? .notFound(message) : .failed(message)
        case let error as ClientError:
            self = error.kind == .invalidArgument ? .usage(message) : .failed(message)
        case let error as TransportError:
            switch error.kind {
            case .connectFailed, .tls, .timedOut, .circuitOpen: self = .unreachable(message)
            default: self = .failed(message)
            }
        case let error as EngineError:
            switch error.kind {
            case .invalidArgument, .configuration: self = .usage(message)
            case .notFound: self = .notFound(message)
            default: self = .failed(message)
            }
        default:
            self = .failed(message)
        }
    }

    /// Runs `body`, turning whatever it throws into a CLIFailure that says what was being done.
    static func reporting<T>(_ doing: @autoclosure () -> String, _ body: () async throws -> T) async throws(CLIFailure) -> T {
        do {
            return try await body()
        } catch {
            throw CLIFailure(error, while: doing())
        }
    }
}
