/// How the HTTP client connects, verifies, waits and retries. Every default is the
/// oci Python SDK's unless said otherwise, and is stated where it is defined.
public struct TransportConfiguration: Sendable {
    public var timeouts: Timeouts
    public var tls: TLS
    public var retry: RetryConfiguration
    public var circuitBreaker: CircuitBreakerConfiguration
    public var connectionPool: ConnectionPool
    /// Bodies of at least this many bytes are sent with `Expect: 100-continue`, so a
    /// server that refuses the request does so before the body goes out. Default 1 MiB.
    public var expectContinueThreshold: Int
    /// Appended to the User-Agent, e.g. the name of the program embedding the library.
    public var userAgentSuffix: String?

    public init(
        timeouts: Timeouts = Timeouts(), tls: TLS = .verified, retry: RetryConfiguration = RetryConfiguration(),
        circuitBreaker: CircuitBreakerConfiguration = CircuitBreakerConfiguration(),
        connectionPool: ConnectionPool = ConnectionPool(), expectContinueThreshold: Int = 1 << 20,
        userAgentSuffix: String? = nil
    ) {
        self.timeouts = timeouts
        self.tls = tls
        self.retry = retry
        self.circuitBreaker = circuitBreaker
        self.connectionPool = connectionPool
        self.expectContinueThreshold = expectContinueThreshold
        self.userAgentSuffix = userAgentSuffix
    }

    public struct Timeouts: Sendable, Equatable {
        /// Establishing a connection, TLS included. Default 10 s.
        public var connect: Duration
        /// The longest wait for data once connected: a transfer that moves fewer bytes
        /// than seconds in this window is abandoned. Default 60 s.
        public var read: Duration

        public init(connect: Duration = .seconds(10), read: Duration = .seconds(60)) {
            self.connect = connect
            self.read = read
        }
    }

    /// TLS peer verification. Modes are static members so more can be added.
    public struct TLS: Sendable, Equatable {
        enum Mode: Sendable, Equatable { case verify(caFile: String?), insecure }
        let mode: Mode

        /// Verify the server against the system's CA bundle (the default).
        public static let verified = TLS(mode: .verify(caFile: nil))
        /// Verify the server against the certificates in a PEM file instead.
        public static func trusting(caFile: String) -> TLS { TLS(mode: .verify(caFile: caFile)) }
        /// Accept any certificate and host name. Only for testing: the client logs a
        /// warning when it is created with it.
        public static let insecureNoVerification = TLS(mode: .insecure)

        public var caFile: String? {
            if case .verify(let file) = mode { return file }
            return nil
        }
        public var verifiesPeer: Bool { mode != .insecure }
    }

    public struct ConnectionPool: Sendable, Equatable {
        /// Open connections allowed to one host at once; 0 means no limit (the default).
        /// HTTP/2 multiplexes requests over one connection where the server offers it.
        public var maxConnectionsPerHost: Int
        /// Idle connections kept for reuse across all hosts. Default 64.
        public var maxCachedConnections: Int

        public init(maxConnectionsPerHost: Int = 0, maxCachedConnections: Int = 64) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxCachedConnections = maxCachedConnections
        }
    }
}
