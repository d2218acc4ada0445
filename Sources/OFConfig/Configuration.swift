// A Lithops configuration for the oracle_f backend and oracle_oss storage: found where Lithops looks,
// read, merged and checked.
import FoundationEssentials

/// A validated configuration. Relative `key_file` and `config_file` paths are taken from the folder of
/// the configuration file (of the OCI config file for a profile's key_file), so that a configuration
/// and its key can move together; parsed text takes them from the current directory.
///
/// Region names are the identifiers the API endpoints use (`eu-madrid-1`); the three-letter region keys
/// (`mad`) are refused with a message saying so. Fingerprints must be lowercase, as OCI compares them.
public struct Configuration: Sendable {
    /// The file the configuration came from, or the name given to `parse`.
    public let source: String?
    public let lithops: LithopsSettings
    public let oracle: OracleSettings
    public let functions: FunctionsSettings
    public let storage: StorageSettings
    /// All four sections with their defaults filled in and `oracle`'s keys merged into the services'.
    public let merged: ConfigValue

    /// `merged` as compact JSON, with pass phrases, key content, passwords and tokens masked.
    public var maskedJSON: String { Masking.masked(merged).json }

    /// Where Lithops looks last for a configuration.
    public static let systemConfigFile = "/etc/lithops/config"

    /// Where the configuration comes from, for the message when it cannot be read.
    private enum Origin {
        case explicit, environment, searched

        var description: String {
            switch self {
            case .explicit: return "the configuration file"
            case .environment: return "the configuration file named by LITHOPS_CONFIG_FILE"
            case .searched: return "the configuration file"
            }
        }

        var fix: String {
            switch self {
            case .explicit: return "check the path you gave"
            case .environment: return "point LITHOPS_CONFIG_FILE at your configuration file, or unset it"
            case .searched: return "make it a readable YAML file, or set LITHOPS_CONFIG_FILE to another one"
            }
        }
    }

    /// Finds and loads the configuration in Lithops' order: `path` (an error if missing), the file named by
    /// LITHOPS_CONFIG_FILE, ./.lithops_config, ~/.lithops/config, /etc/lithops/config. `overrides`
    /// (`{"section": {"key": value}}` or `{"section.key": value}`) are applied before validation.
    public static func load(
        path: String? = nil, overrides: ConfigValue? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String? = nil, systemConfigFile: String = systemConfigFile
    ) throws(ConfigError) -> Configuration {
        let cwd = currentDirectory ?? Files.currentDirectory()
        let home = Files.homeDirectory(environment: environment)
        let file: String
        let origin: Origin
        if let path {
            (file, origin) = (Paths.absolute(path, base: cwd, home: home), .explicit)
        } else if let found = search(environment: environment, currentDirectory: cwd, home: home, systemConfigFile: systemConfigFile) {
            (file, origin) = found
        } else {
            throw ConfigError(
                section: nil, key: nil,
                message: "no configuration file found: LITHOPS_CONFIG_FILE is not set and none of \(cwd)/.lithops_config, ~/.lithops/config, \(systemConfigFile) exists; create ~/.lithops/config with the lithops, oracle and oracle_f sections, or set LITHOPS_CONFIG_FILE to your configuration file")
        }
        let text: String
        do throws(FileProblem) {
            let bytes = try Files.read(file, limit: ConfigurationBuilder.fileSizeLimit)
            guard let utf8 = String(validating: bytes, as: UTF8.self) else { throw .unreadable(reason: "it is not UTF-8 text") }
            text = utf8
        } catch {
            throw ConfigError(section: nil, key: nil, message: "\(origin.description) \(file) \(error.explanation); \(origin.fix)")
        }
        return try parse(yaml: text, source: file, overrides: overrides, environment: environment, baseDirectory: Paths.directory(of: file))
    }

    /// The file `load(path: nil)` would read, or nil when there is none. A LITHOPS_CONFIG_FILE that is
    /// set is returned even when the file is missing, so that `load` reports it rather than skipping it.
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String? = nil, systemConfigFile: String = systemConfigFile
    ) -> String? {
        search(
            environment: environment, currentDirectory: currentDirectory ?? Files.currentDirectory(),
            home: Files.homeDirectory(environment: environment), systemConfigFile: systemConfigFile)?.path
    }

    private static func search(
        environment: [String: String], currentDirectory: String, home: String?, systemConfigFile: String
    ) -> (path: String, origin: Origin)? {
        if let named = environment["LITHOPS_CONFIG_FILE"], !named.isEmpty {
            return (Paths.absolute(named, base: currentDirectory, home: home), .environment)
        }
        let candidates = [currentDirectory + "/.lithops_config", home.map { $0 + "/.lithops/config" }, systemConfigFile]
        guard let found = candidates.compactMap({ $0 }).first(where: Files.exists) else { return nil }
        return (Paths.absolute(found, base: currentDirectory, home: home), .searched)
    }

    /// The most bytes of configuration text, as of a configuration file: larger text is not a configuration.
    public static var textLimit: Int { ConfigurationBuilder.fileSizeLimit }

    /// Reads a configuration from YAML text. `source` names it in messages; `baseDirectory` (the current
    /// directory by default) is where relative key_file and config_file paths start. Only key_file and
    /// config_file are read from the file system.
    public static func parse(
        yaml: String, source: String = "<string>", overrides: ConfigValue? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, baseDirectory: String? = nil
    ) throws(ConfigError) -> Configuration {
        var tree = try YAMLLoader.load(yaml, source: source)
        if let overrides { tree = try Overrides.apply(overrides, to: tree, source: source) }
        let builder = ConfigurationBuilder(
            source: source, baseDirectory: baseDirectory ?? Files.currentDirectory(),
            home: Files.homeDirectory(environment: environment), environment: environment)
        return try builder.build(tree)
    }

    init(source: String?, lithops: LithopsSettings, oracle: OracleSettings, functions: FunctionsSettings, storage: StorageSettings, merged: ConfigValue) {
        self.source = source
        self.lithops = lithops
        self.oracle = oracle
        self.functions = functions
        self.storage = storage
        self.merged = merged
    }
}
