// What the configuration says about reaching a service: endpoints, transport
// settings from optional keys of the service's section, and the log level.
import Glibc
import OFConfig
import OFTransport

/// The configuration section a client reads: Functions (and Identity) from oracle_f,
/// Object Storage from oracle_oss; both include the oracle section's keys.
public enum ServiceSection: String, Sendable {
    case functions = "oracle_f"
    case storage = "oracle_oss"
}

/// Where the services are: the `endpoint` of oracle_f / oracle_oss, else the region's OCI endpoints.
public struct Endpoints: Sendable, Equatable {
    public var functions: String
    public var objectStorage: String
    /// Identity has no section of its own: with an oracle_f endpoint (a local emulator or a
    /// proxy) Identity goes there too, else to the region's.
    public var identity: String
    /// OCI Logging search, where the functions' logs are read; like Identity, the oracle_f endpoint when set.
    public var logging: String

    /// `logging` nil: the same place as Identity.
    public init(functions: String, objectStorage: String, identity: String, logging: String? = nil) {
        self.functions = Self.trimmed(functions)
        self.objectStorage = Self.trimmed(objectStorage)
        self.identity = Self.trimmed(identity)
        self.logging = Self.trimmed(logging ?? identity)
    }

    public init(configuration: Configuration) {
        let functionsRegion = configuration.functions.region
        self.init(
            functions: configuration.functions.endpoint ?? "https://functions.\(functionsRegion).oci.oraclecloud.com",
            objectStorage: configuration.storage.endpoint ?? "https://objectstorage.\(configuration.storage.region).oraclecloud.com",
            identity: configuration.functions.endpoint ?? "https://identity.\(functionsRegion).oci.oraclecloud.com",
            logging: configuration.functions.endpoint ?? "https://logging.\(functionsRegion).oci.oraclecloud.com")
    }

    private static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

extension TransportConfiguration {
    /// The defaults, changed by these optional keys of `section` (or of oracle, which is merged in):
    /// `ca_file` (PEM file of CA certificates to trust instead of the system's), `tls_verify: false`
    /// (turn verification off; logged), `connect_timeout` and `read_timeout` (seconds),
    /// `retry_max_attempts` (1 turns retries off).
    public init(configuration: Configuration, section: ServiceSection) throws(ConfigError) {
        self.init()
        let keys = configuration.merged[section.rawValue]
        func fail(_ key: String, _ message: String) -> ConfigError {
            ConfigError(section: section.rawValue, key: key, message: "\"\(key)\" in the \"\(section.rawValue)\" section \(message)")
        }
        func seconds(_ key: String) throws(ConfigError) -> Duration? {
            switch keys?[key] {
            case nil, .null?: return nil
            case .int(let n)? where n > 0: return .seconds(n)
            case .double(let d)? where d > 0 && d < 1e9: return .milliseconds(Int(d * 1000))
            default: throw fail(key, "must be a positive number of seconds, e.g. \(key): 30")
            }
        }
        if let connect = try seconds("connect_timeout") { timeouts.connect = connect }
        if let read = try seconds("read_timeout") { timeouts.read = read }
        switch keys?["retry_max_attempts"] {
        case nil, .null?: break
        case .int(let n)? where n >= 1: retry.maxAttempts = n
        default: throw fail("retry_max_attempts", "must be a whole number of at least 1 (1 turns retries off), e.g. retry_max_attempts: 8")
        }
        switch keys?["tls_verify"] {
        case nil, .null?, .bool(true)?: break
        case .bool(false)?: tls = .insecureNoVerification
        default: throw fail("tls_verify", "must be true or false; leave it out to verify servers, as you should outside tests")
        }
        switch keys?["ca_file"] {
        case nil, .null?: break
        case .string(let path)? where !path.isEmpty:
            guard tls.verifiesPeer else { throw fail("ca_file", "has no effect with tls_verify: false; remove one of them") }
            tls = .trusting(caFile: Self.resolve(path, relativeTo: configuration.source))
        default: throw fail("ca_file", "must be the path of a PEM file of CA certificates, e.g. ca_file: ~/.oci/ca.pem")
        }
    }
}

extension TransportConfiguration {
    /// `~/` is the home directory; a relative path is taken from the configuration file's folder.
    static func resolve(_ path: String, relativeTo source: String?) -> String {
        if path.hasPrefix("~/"), let home = getenv("HOME") { return String(cString: home) + path.dropFirst() }
        guard !path.hasPrefix("/"), let source, let slash = source.lastIndex(of: "/") else { return path }
        return String(source[...slash]) + path
    }
}

extension Logger {
    /// Writes to stderr at the configuration's lithops.log_level (INFO when it is not a known level).
    public init(configuration: Configuration) {
        self.init(level: LogLevel(name: configuration.lithops.logLevel) ?? .info)
    }
}
