import ArgumentParser
import OFConfig

/// The options of every command that reads the configuration, as Lithops' CLI has them: -c, -b, -s, -d.
struct ConfigOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .customLong("config")], help: "Lithops configuration file (default: LITHOPS_CONFIG_FILE, ./.lithops_config, ~/.lithops/config, /etc/lithops/config).")
    var configFile: String?

    @Option(name: .shortAndLong, help: "Compute backend; oraclefn runs oracle_f.")
    var backend: String?

    @Option(name: .shortAndLong, help: "Storage backend; oraclefn uses oracle_oss.")
    var storage: String?

    @Flag(name: .shortAndLong, help: "Log every request to stderr (lithops.log_level DEBUG).")
    var debug = false

    @Option(help: "How to sign requests, as the oci CLI's --auth: api_key, security_token, instance_principal or resource_principal (default: oracle.auth, else as the configuration implies).")
    var auth: String?

    func validate() throws {
        if let backend, backend != "oracle_f" {
            throw ValidationError("-b \(backend): oraclefn runs the oracle_f backend only (Oracle Functions); leave -b out or pass -b oracle_f")
        }
        if let storage, storage != "oracle_oss" {
            throw ValidationError("-s \(storage): oraclefn stores in oracle_oss only (Object Storage); leave -s out or pass -s oracle_oss")
        }
        if let auth, AuthMode(rawValue: auth) == nil {
            throw ValidationError("--auth \(auth): use \(AuthMode.spelled)")
        }
    }

    /// The configuration given or found, validated; a configuration that cannot be used is a usage failure.
    func load() throws(CLIFailure) -> Configuration {
        var entries: [(String, ConfigValue)] = []
        if debug { entries.append(("lithops.log_level", .string("DEBUG"))) }
        if let auth { entries.append(("oracle.auth", .string(auth))) }
        let overrides: ConfigValue? = entries.isEmpty ? nil : .map(entries)
        do {
            return try Configuration.load(path: configFile, overrides: overrides)
        } catch {
            let start = configFile == nil && Configuration.locate() == nil
                ? "; to try oraclefn without an Oracle account, run `oraclefn emulator` and pass the configuration it prints with -c"
                : ""
            throw .usage(error.description + start)
        }
    }
}

/// `--json`: print what the command found as JSON for scripts, instead of text for people.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print the result as JSON.")
    var json = false
}
