import OFConfig
import OFSigning
import OFTransport

/// How Lithops' oracle_f backend names a runtime's resources, so that the runtimes either tool deploys are
/// found by the other: the application, the image and the function of a runtime name and memory size.
public struct RuntimeNaming: Sendable {
    /// Lithops lists only functions whose name starts with this.
    public static let functionPrefix = "lithops-worker"
    /// The freeform tag Lithops gives its runtime functions; `lithops_version` carries the version.
    public static let typeTag = "lithops-runtime"

    /// oraclefn's version, in function names and tags.
    public let version: String
    /// The user OCID: Lithops hashes it into function names and takes the application name from it.
    /// Credentials without a user (session tokens, principals) use `oracle.user` when set, else the compartment.
    public let user: String
    /// `oracle_f.docker_server`.
    public let dockerServer: String
    /// The tenancy's Object Storage namespace: the registry's namespace.
    public let namespace: String

    public init(configuration: Configuration, namespace: String, version: String = String(describing: LibraryVersion.string)) {
        self.version = version
        self.user = Self.user(configuration)
        self.dockerServer = configuration.functions.dockerServer
        self.namespace = namespace
    }

    /// `oracle_f.application_name`, else Lithops' `lithops_` and seven characters of the user OCID.
    public static func applicationName(configuration: Configuration) -> String {
        configuration.functions.applicationName ?? defaultApplicationName(user: user(configuration))
    }

    static func user(_ configuration: Configuration) -> String {
        configuration.functions.credentials.apiKey?.user ?? configuration.oracle.user ?? configuration.functions.compartmentId
    }

    /// `lithops_` + the user OCID's characters 8th-last to 2nd-last, lowercased (Python's `user[-8:-1]`).
    public static func defaultApplicationName(user: String) -> String {
        let characters = Array(user)
        let end = max(0, characters.count - 1)
        let start = max(0, characters.count - 8)
        return "lithops_" + String(characters[min(start, end)..<end]).lowercased()
    }

    /// The image of a runtime: a name with a `/` is a whole image name already; any other is pushed to the
    /// tenancy's registry, `<docker_server>/<namespace>/<name>`. A name without a tag gets `:latest`.
    public func image(of runtime: String) -> String {
        let image = runtime.contains("/") ? runtime : "\(dockerServer)/\(namespace)/\(runtime)"
        let last = image.split(separator: "/").last ?? Substring(image)
        return last.contains(":") || last.contains("@") ? image : image + ":latest"
    }

    /// `lithops-worker-<image's last part>-v<version>-<hash>`: one function per image, memory and version,
    /// the hash being Lithops' (the first 10 hex digits of SHA-1 of `<image>-<memory>-<version>-<user>`). Characters
    /// other than letters, digits, `-` and `_` become `-`, so the name is one OCI accepts.
    public func functionName(image: String, memory: Int) -> String {
        let hash = (Digest.sha1Hex("\(image)-\(memory)-\(version)-\(user)") ?? "").prefix(10)
        let last = image.split(separator: "/").last.map(String.init) ?? image
        return Self.safe("\(Self.functionPrefix)-\(last)-v\(version)") + "-" + hash
    }

    /// The freeform tags of a runtime function, Lithops' and the runtime name it was deployed as.
    public func tags(runtime: String) -> [String: String] {
        ["type": Self.typeTag, "lithops_version": version, "oraclefn_runtime": runtime]
    }

    static func safe(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" })
    }
}
