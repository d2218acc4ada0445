// The typed views of a validated configuration, one per section.

/// The `lithops` section.
public struct LithopsSettings: Sendable, Equatable {
    /// Always "oracle_f": the only compute backend oraclefn runs.
    public let backend: String
    /// Always "oracle_oss".
    public let storage: String
    /// Seconds between two polls of the job's status objects.
    public let monitoringInterval: Double
    /// Seconds a job may run before waiting for it gives up.
    public let executionTimeout: Int
    /// Largest payload, in MiB, sent inline with an invocation.
    public let dataLimit: Int
    /// Whether a job's temporary objects are deleted after its results are read.
    public let dataCleaner: Bool
    /// Times a failed call is retried.
    public let retries: Int
    /// DEBUG, INFO, WARNING, ERROR or CRITICAL.
    public let logLevel: String
}

/// The API key a request is signed with.
public struct OracleCredentials: Sendable, Equatable {
    public let user: String
    public let tenancy: String
    public let fingerprint: String
    /// Absolute path of the PEM private key.
    public let keyFile: String
    public let passPhrase: String?

    /// The keyId of OCI's HTTP signature: `<tenancy>/<user>/<fingerprint>`.
    public var keyId: String { "\(tenancy)/\(user)/\(fingerprint)" }
}

/// A session token from `oci session authenticate`, signed for with the session key beside it.
public struct SecurityTokenCredentials: Sendable, Equatable {
    /// Absolute path of the token file (`oci session refresh` rewrites it).
    public let tokenFile: String
    /// Absolute path of the session's PEM private key.
    public let keyFile: String
    public let passPhrase: String?
    /// Where the keys came from, for messages: `profile "SESSION" of /path/config`, or the section.
    public let origin: String
    /// The profile name `oci session refresh --profile` wants.
    public let profile: String
}

/// What a section signs its requests with, as `oracle.auth` chooses.
public enum Credentials: Sendable, Equatable {
    case apiKey(OracleCredentials)
    case securityToken(SecurityTokenCredentials)
    /// `authEndpoint` nil: the region's auth service.
    case instancePrincipal(authEndpoint: String?)
    case resourcePrincipal

    public var mode: AuthMode {
        switch self {
        case .apiKey: .apiKey
        case .securityToken: .securityToken
        case .instancePrincipal: .instancePrincipal
        case .resourcePrincipal: .resourcePrincipal
        }
    }

    /// The API key, when the mode is api_key.
    public var apiKey: OracleCredentials? {
        if case .apiKey(let key) = self { return key }
        return nil
    }
}

/// The `oracle` section: the account, shared by both services. Which keys are set depends on `auth`:
/// an API key has user, tenancy, fingerprint and key_file; a session token has key_file and
/// security_token_file; instance and resource principals need none of them.
public struct OracleSettings: Sendable, Equatable {
    public let auth: AuthMode
    public let user: String?
    public let region: String
    public let fingerprint: String?
    public let tenancy: String?
    /// Absolute, with `~` expanded.
    public let keyFile: String?
    public let compartmentId: String
    public let tenancyNamespace: String?
    public let passPhrase: String?
    /// Absolute path of the session token file (security_token).
    public let securityTokenFile: String?
    /// Where instance principals federate; nil: the region's auth service.
    public let authEndpoint: String?
    public let credentials: Credentials
}

/// The `oracle_f` section with the `oracle` keys it does not set itself.
public struct FunctionsSettings: Sendable, Equatable {
    /// The memory sizes (MB) Oracle Functions offers a function.
    public static let memorySizes = [128, 256, 512, 1024, 2048, 3072]
    /// The timeouts (seconds) Oracle Functions allows a function.
    public static let timeoutRange = 1...300

    /// An application's name as Oracle Functions takes it: 1 to 255 ASCII letters, digits, '-' and '_'.
    public static func isApplicationName(_ name: String) -> Bool {
        (1...255).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    public let credentials: Credentials
    public let region: String
    public let compartmentId: String
    public let tenancyNamespace: String?
    public let subnetId: String
    public let maxWorkers: Int
    public let workerProcesses: Int
    public let runtime: String?
    /// MB: 128, 256, 512, 1024, 2048 or 3072.
    public let runtimeMemory: Int
    /// Seconds, 1...300.
    public let runtimeTimeout: Int
    public let invokePoolThreads: Int
    /// The container registry runtimes are pushed to, `<region>.ocir.io` unless set.
    public let dockerServer: String
    /// The registry login, `<namespace>/<user name or email>`; derived from the user when only the password is set.
    public let dockerUser: String?
    /// An auth token for the registry; with it, runtime builds log in before pushing.
    public let dockerPassword: String?
    /// The application runtimes are deployed in; nil: Lithops' `lithops_<part of the user OCID>`.
    public let applicationName: String?
    /// The OCI Logging log (and its log group) that keeps the functions' invocation logs, for `oraclefn logs poll`.
    public let logGroupId: String?
    public let logId: String?
    /// Where to send Functions requests instead of OCI's own endpoint (the emulator, a proxy).
    public let endpoint: String?
}

/// The `oracle_oss` section with the `oracle` keys it does not set itself.
public struct StorageSettings: Sendable, Equatable {
    public let credentials: Credentials
    public let region: String
    public let compartmentId: String
    public let tenancyNamespace: String?
    public let storageBucket: String?
    /// Where to send Object Storage requests instead of OCI's own endpoint.
    public let endpoint: String?
}

