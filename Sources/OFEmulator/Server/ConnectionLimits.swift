#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many connections the emulator holds and how long it waits on a client, so that clients which open
/// connections and send nothing (or send slowly) cannot use up its descriptors or keep it from serving others.
/// The defaults leave room for one client with many hundreds of connections (the engine, the bench, the oci SDKs).
public struct ConnectionLimits: Sendable, Equatable {
    /// Connections open at once from all clients. Never more than the process's descriptor limit
    /// (`RLIMIT_NOFILE`) less `reservedDescriptors`. A connection beyond it gets `503` and is closed at once.
    public var maxConnections = 4096
    /// Connections open at once from one client address. A connection beyond it gets `503` and is closed at once.
    public var maxConnectionsPerClient = 1024
    /// How long a client has to send a request's head (request line and headers) from its first byte; after it the
    /// connection gets `408` and is closed.
    public var headerTimeout: Duration = .seconds(30)
    /// How long a request's body may go without a byte arriving; after it the connection is closed.
    public var bodyTimeout: Duration = .seconds(60)
    /// How long a connection may wait for its next request (keep-alive) before it is closed; a request being
    /// answered (an invocation that runs for minutes) does not count as waiting.
    public var idleTimeout: Duration = .seconds(60)

    /// Descriptors kept out of `maxConnections` for the state directory, handler processes and their pipes.
    public static let reservedDescriptors = 128

    public init() {}

    /// `maxConnections`, lowered to fit a descriptor limit of `descriptorLimit` (nil: no limit known).
    func effectiveMaxConnections(descriptorLimit: Int?) -> Int {
        guard let descriptorLimit else { return self.maxConnections }
        return max(1, min(self.maxConnections, descriptorLimit - Self.reservedDescriptors))
    }

    /// The process's soft limit on open descriptors, nil when it is unlimited or cannot be read.
    static func descriptorLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }
}
