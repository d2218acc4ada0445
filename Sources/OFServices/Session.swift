// One configuration's credentials and connections, shared by everything that talks to OCI for it.
import FoundationEssentials
import OFConfig
import OFSigning
import OFTransport
import OFLocking

/// What one configuration needs to reach OCI, made once: the credential providers (a key read and
/// decrypted once, tokens fetched and refreshed in one place), one HTTP client (one curl multi loop and its
/// I/O thread), the Object Storage namespace once looked up, and the typed clients. The engine, runtimes,
/// hello, logs, storage and functions all borrow a session; none makes clients of its own.
public final class Session: Sendable {
    public let configuration: Configuration
    public let endpoints: Endpoints
    public let client: HTTPClient
    /// Functions management, invoke, Identity and Logging, signed with oracle_f's credentials.
    public let functionsService: ServiceClient
    /// Object Storage, signed with oracle_oss's credentials.
    public let storageService: ServiceClient
    public let functions: FunctionsManagementClient
    public let invoker: FunctionsInvokeClient
    public let objects: ObjectStorageClient
    public let logs: LogsClient
    public let logging: LoggingManagementClient
    public let identity: IdentityClient
    private let emulatorAnswer = Locked<Bool?>(nil)

    /// A session for `configuration`, logging at lithops.log_level unless `logger` is given.
    /// - Throws: `ConfigError` when the credentials or transport settings cannot be used, `CredentialError` when
    ///   a token cannot be had, `TransportError` when the HTTP client cannot start.
    /// `credentials` nil: made here from the configuration and the process's environment.
    public init(
        configuration: Configuration, credentials: SessionCredentials? = nil, logger: Logger? = nil,
        environment: RetryingExecutor.Environment = .live
    ) throws {
        let functionsTransport = try TransportConfiguration(configuration: configuration, section: .functions)
        let storageTransport = try TransportConfiguration(configuration: configuration, section: .storage)
        let client = try HTTPClient(configuration: functionsTransport, logger: logger ?? Logger(configuration: configuration))
        let endpoints = Endpoints(configuration: configuration)
        let credentials = try credentials ?? SessionCredentials(configuration: configuration)
        credentials.transport.bind(client)
        self.configuration = configuration
        self.endpoints = endpoints
        self.client = client
        functionsService = ServiceClient(
            executor: RetryingExecutor(client: client, transport: functionsTransport, environment: environment),
            authorizer: credentials.functions, endpoints: endpoints)
        storageService = ServiceClient(
            executor: RetryingExecutor(client: client, transport: storageTransport, environment: environment),
            authorizer: credentials.storage, endpoints: endpoints,
            transport: storageTransport.sameConnections(as: functionsTransport) ? nil : storageTransport)
        functions = FunctionsManagementClient(configuration: configuration, service: functionsService)
        invoker = FunctionsInvokeClient(configuration: configuration, management: functions)
        objects = ObjectStorageClient(configuration: configuration, service: storageService)
        logs = LogsClient(service: functionsService)
        logging = LoggingManagementClient(service: functionsService)
        identity = IdentityClient(service: functionsService)
    }

    public var logger: Logger { client.logger }

    /// Whether Functions is an oraclefn emulator (only a configured oracle_f endpoint is asked, once).
    public func isEmulator() async throws -> Bool {
        if let known = emulatorAnswer.withLock({ $0 }) { return known }
        let answer = try await logs.isEmulator(configuration: configuration)
        emulatorAnswer.withLock { $0 = answer }
        return answer
    }

    /// Stops the HTTP client's I/O thread; requests still running fail. Also done when the last reference goes.
    public func shutdown() {
        client.shutdown()
    }
}

extension TransportConfiguration {
    /// Whether requests made with `other` may go out with these settings unchanged.
    func sameConnections(as other: TransportConfiguration) -> Bool {
        timeouts == other.timeouts && tls == other.tls && expectContinueThreshold == other.expectContinueThreshold
    }
}
