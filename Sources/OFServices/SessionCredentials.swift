// The credential providers of a session: one per distinct credential, shared by the services that use it.
import FoundationEssentials
import OFConfig
import OFSigning
import OFTransport
import Synchronization

/// The authorizers of oracle_f and oracle_oss. When both sections sign with the same credentials (the usual
/// case) they share one provider, so a key is read once and a token fetched once. Made before the session's
/// HTTP client (a configuration is checked when it is loaded); the metadata and federation requests of
/// instance principals go through the client of the session that takes them.
public struct SessionCredentials: Sendable {
    public let functions: any RequestAuthorizer
    public let storage: any RequestAuthorizer
    let transport: CredentialTransport

    /// Reads and checks what the configuration's credentials need now (API and session keys); tokens are
    /// fetched on first use.
    public init(configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let transport = CredentialTransport()
        let functions = try Self.authorizer(
            configuration.functions.credentials, section: ServiceSection.functions.rawValue, environment: environment, transport: transport)
        self.functions = functions
        storage = configuration.storage.credentials == configuration.functions.credentials
            ? functions
            : try Self.authorizer(
                configuration.storage.credentials, section: ServiceSection.storage.rawValue, environment: environment, transport: transport)
        self.transport = transport
    }

    static func authorizer(
        _ credentials: Credentials, section: String, environment: [String: String], transport: CredentialTransport
    ) throws -> any RequestAuthorizer {
        switch credentials {
        case .apiKey(let key):
            return try RequestSigner(credentials: key, section: section)
        default:
            throw ConfigError(section: "oracle", key: "auth", message: "auth: \(credentials.mode.rawValue) is not available in this build")
        }
    }
}

/// The HTTP client credential requests go through: the session's once one has bound it, else one of its own
/// made on first need (a configuration used before any session is made).
final class CredentialTransport: Sendable {
    private let bound = Mutex<HTTPClient?>(nil)

    func bind(_ client: HTTPClient) {
        bound.withLock { if $0 == nil { $0 = client } }
    }

    func client() throws -> HTTPClient {
        try bound.withLock { bound in
            if let client = bound { return client }
            let client = try HTTPClient()
            bound = client
            return client
        }
    }
}
