// The credential providers of a session: one per distinct credential, shared by the services that use it.
import FoundationEssentials
import Glibc
import OFConfig
import OFSigning
import OFTransport
import OFLocking

/// The credential providers of oracle_f and oracle_oss, and the authorizers over them. When both sections sign
/// with the same credentials (the usual case) they share one provider, so a key is read once and a token
/// fetched once. Made before the session's HTTP client (a configuration is checked when it is loaded); the
/// metadata and federation requests of instance principals go through the client of the session that takes them.
public struct SessionCredentials: Sendable {
    public let functionsProvider: any CredentialProvider
    public let storageProvider: any CredentialProvider
    public let functions: any RequestAuthorizer
    public let storage: any RequestAuthorizer
    let transport: CredentialTransport

    /// Reads and checks what the configuration's credentials need now (API and session keys, a resource
    /// principal's environment); instance principals fetch their token on first use.
    public init(configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let transport = CredentialTransport()
        let functionsProvider = try Self.provider(
            configuration.functions.credentials, section: ServiceSection.functions.rawValue, environment: environment,
            transport: transport)
        let storageProvider = configuration.storage.credentials == configuration.functions.credentials
            ? functionsProvider
            : try Self.provider(
                configuration.storage.credentials, section: ServiceSection.storage.rawValue, environment: environment,
                transport: transport)
        self.functionsProvider = functionsProvider
        self.storageProvider = storageProvider
        functions = CredentialAuthorizer(provider: functionsProvider)
        storage = storageProvider === functionsProvider ? functions : CredentialAuthorizer(provider: storageProvider)
        self.transport = transport
    }

    static func provider(
        _ credentials: Credentials, section: String, environment: [String: String], transport: CredentialTransport
    ) throws -> any CredentialProvider {
        switch credentials {
        case .apiKey(let key):
            return try APIKeyProvider(credentials: key, section: section)
        case .securityToken(let session):
            return try SecurityTokenProvider(
                tokenFile: session.tokenFile, keyFile: session.keyFile, passPhrase: session.passPhrase,
                profileDescription: session.origin, profileName: session.profile)
        case .instancePrincipal(let authEndpoint):
            return InstancePrincipalProvider(
                metadataBaseURL: InstancePrincipalProvider.metadataBaseURL(environment: environment), authEndpoint: authEndpoint,
                fetch: { request throws(CredentialError) in try transport.fetch(request) })
        case .resourcePrincipal:
            return try ResourcePrincipalProvider(environment: environment)
        }
    }
}

/// The HTTP client credential requests go through: the session's once one has bound it, else one of its own
/// made on first need (a configuration used before any session is made).
final class CredentialTransport: Sendable {
    private let bound = Locked<HTTPClient?>(nil)

    func bind(_ client: HTTPClient) {
        bound.withLock { if $0 == nil { $0 = client } }
    }

    func client() throws(TransportError) -> HTTPClient {
        try bound.withLock { bound throws(TransportError) in
            if let client = bound { return client }
            let client = try HTTPClient()
            bound = client
            return client
        }
    }

    /// One request, waited for on this thread: providers are asked for a signer on signing threads and in
    /// synchronous code alike. The answer comes on the client's I/O thread, never this one.
    func fetch(_ request: CredentialRequest) throws(CredentialError) -> CredentialResponse {
        let client: HTTPClient
        do {
            client = try self.client()
        } catch {
            throw CredentialError(.service, "\(request.method) \(request.url): no HTTP client could start: \(error.description)")
        }
        let headers = HTTPHeaders(request.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let http = HTTPRequest(method: request.method, url: request.url, headers: headers, body: request.body.map { .bytes($0) } ?? .empty)
        let answer = Answer()
        client.submit(http) { answer.set($0) }
        switch answer.wait() {
        case .success(let response):
            var fields: [String: String] = [:]
            for field in response.headers { fields[field.name.lowercased()] = field.value }
            return CredentialResponse(status: response.status, headers: fields, body: response.body)
        case .failure(let error):
            throw CredentialError(.service, "\(request.method) \(request.url) failed: \(error.description)")
        }
    }

    /// A result handed from the I/O thread to a waiting thread.
    private final class Answer: @unchecked Sendable {
        private var semaphore = sem_t()
        private let result = Locked<Result<HTTPResponse, TransportError>?>(nil)

        init() { sem_init(&semaphore, 0, 0) }
        deinit { sem_destroy(&semaphore) }

        func set(_ value: Result<HTTPResponse, TransportError>) {
            result.withLock { $0 = value }
            sem_post(&semaphore)
        }

        func wait() -> Result<HTTPResponse, TransportError> {
            while sem_wait(&semaphore) != 0 && errno == EINTR {}
            return result.withLock { $0 } ?? .failure(.shutdown)
        }
    }
}
