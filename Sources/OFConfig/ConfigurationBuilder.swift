// From a parsed tree to a validated Configuration: Lithops' defaults and merge rule, the OCI CLI profile,
// and one check per rule, each failing with its own message.

struct ConfigurationBuilder {
    static let sectionNames = ["lithops", "oracle", "oracle_f", "oracle_oss"]
    static let logLevels = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
    static let defaultOCIConfigFile = "~/.oci/config"
    /// Larger files than this are not configuration or key files.
    static let fileSizeLimit = 1 << 20

    /// Where each key's value is found, as the seed's tables say.
    static let hints: [String: String] = [
        "user": "your user's OCID is on https://cloud.oracle.com/identity/domains/my-profile",
        "region": "use a region identifier such as eu-madrid-1 (see https://cloud.oracle.com/regions)",
        "fingerprint": "your API key's fingerprint is on https://cloud.oracle.com/identity/domains/my-profile/api-keys",
        "tenancy": "the tenancy's OCID is on https://cloud.oracle.com/tenancy",
        "key_file": "give the path of the private key (PEM) file you downloaded when you added the API key",
        "compartment_id": "the compartment's OCID is on https://cloud.oracle.com/identity/compartments",
        "subnet_id": "copy the OCID of your VCN's private subnet from https://cloud.oracle.com/networking/vcns",
        "log_group_id": "copy the OCID of the log group holding your application's invocation logs from https://cloud.oracle.com/logging/log-groups",
        "log_id": "copy the OCID of your application's invocation log (Functions, application, Logs tab) from https://cloud.oracle.com/logging/logs",
        "security_token_file": "run `oci session authenticate` and name the profile it writes (profile: NAME), or give the path of its token file",
    ]
    /// The keys each way of signing needs in the `oracle` section (or its profile).
    static func mandatoryOracleKeys(_ auth: AuthMode) -> [String] {
        switch auth {
        case .apiKey: ["user", "region", "fingerprint", "tenancy", "key_file", "compartment_id"]
        case .securityToken: ["region", "security_token_file", "key_file", "compartment_id"]
        case .instancePrincipal, .resourcePrincipal: ["region", "compartment_id"]
        }
    }
    /// The environment Oracle Functions gives a function, which makes resource principals the default there.
    static let resourcePrincipalVersion = "OCI_RESOURCE_PRINCIPAL_VERSION"

    let source: String
    /// Relative key_file and config_file paths are taken from here.
    let baseDirectory: String
    let home: String?
    /// Read for resource principals only: whether they are there, and their region.
    var environment: [String: String] = [:]

    func build(_ root: ConfigValue) throws(ConfigError) -> Configuration {
        let sections = try sectionsOf(root)
        var lithopsSection = sections["lithops"] ?? Section(name: "lithops", entries: [])
        let lithops = try readLithops(&lithopsSection)

        guard var oracleSection = sections["oracle"] else {
            throw ConfigError(
                section: "oracle", key: nil,
                message: "the \"oracle\" section is missing from the configuration: add it with user, region, fingerprint, tenancy, key_file and compartment_id (Oracle's console shows these key:value pairs when you add an API key), or with config_file and profile naming a profile of your OCI CLI config file")
        }
        let profileInUse = try applyProfile(&oracleSection)
        let oracle = try readOracle(&oracleSection, profileInUse: profileInUse)

        guard var functionsSection = sections["oracle_f"] else {
            throw ConfigError(
                section: "oracle_f", key: nil,
                message: "the \"oracle_f\" section is missing from the configuration: add it with subnet_id, the OCID of your VCN's private subnet (see https://cloud.oracle.com/networking/vcns)")
        }
        let functions = try readFunctions(&functionsSection, oracle: oracle, oracleSection: oracleSection)

        var storageSection = sections["oracle_oss"] ?? Section(name: "oracle_oss", entries: [])
        let storage = try readStorage(&storageSection, oracle: oracle, oracleSection: oracleSection)

        let merged = ConfigValue.map([
            ("lithops", lithopsSection.value), ("oracle", oracleSection.value),
            ("oracle_f", functionsSection.value), ("oracle_oss", storageSection.value),
        ])
        return Configuration(source: source, lithops: lithops, oracle: oracle, functions: functions, storage: storage, merged: merged)
    }

    // MARK: sections

    private func sectionsOf(_ root: ConfigValue) throws(ConfigError) -> [String: Section] {
        let entries: [(String, ConfigValue)]
        switch root {
        case .null: entries = []
        case .map(let rootEntries): entries = rootEntries
        default:
            throw ConfigError(
                section: nil, key: nil,
                message: "\(source) must be a mapping of sections (lithops, oracle, oracle_f, oracle_oss), but its top level is \(root.kindDescription(revealing: false)); write each section name at the start of a line followed by ':' and its keys indented below")
        }
        var sections: [String: Section] = [:]
        for name in Self.sectionNames {
            guard let value = entries.first(where: { $0.0 == name })?.1 else { continue }
            switch value {
            case .null: sections[name] = Section(name: name, entries: [])
            case .map(let sectionEntries): sections[name] = Section(name: name, entries: sectionEntries)
            default:
                throw ConfigError(
                    section: name, key: nil,
                    message: "the \"\(name)\" section must be a mapping of keys to values, not \(value.kindDescription()); indent its keys under \"\(name):\", one key: value per line")
            }
        }
        return sections
    }

    private func mandatory(_ section: Section, _ key: String, note: String = "") -> ConfigError {
        ConfigError(
            section: section.name, key: key,
            message: "\"\(key)\" is mandatory in the \"\(section.name)\" section of the configuration\(note): \(Self.hints[key] ?? "set it")")
    }

    // MARK: lithops

    private func readLithops(_ section: inout Section) throws(ConfigError) -> LithopsSettings {
        let backend = try section.string("backend") ?? "oracle_f"
        guard backend == "oracle_f" else {
            throw section.error("backend", "is \"\(backend)\", but oraclefn runs only the oracle_f backend (Oracle Functions); set backend: oracle_f")
        }
        let storage = try section.string("storage") ?? "oracle_oss"
        guard storage == "oracle_oss" else {
            throw section.error("storage", "is \"\(storage)\", but oraclefn keeps its data only in oracle_oss (Oracle Object Storage); set storage: oracle_oss")
        }
        let mode = try section.string("mode") ?? "serverless"
        guard mode == "serverless" else {
            throw section.error("mode", "is \"\(mode)\", but oraclefn runs only in serverless mode; remove the key or set mode: serverless")
        }
        let monitoring = try section.string("monitoring") ?? "storage"
        guard monitoring == "storage" else {
            throw section.error("monitoring", "is \"\(monitoring)\", but oraclefn follows jobs only through storage; remove the key or set monitoring: storage")
        }
        let monitoringInterval = try section.number("monitoring_interval", example: 2) ?? 2
        guard monitoringInterval > 0 else {
            throw section.error("monitoring_interval", "must be more than 0 seconds, not \(monitoringInterval); the default is 2")
        }
        let executionTimeout = try section.wholeNumber("execution_timeout", atLeast: 1, default: 1800)
        let dataLimit = try section.wholeNumber("data_limit", atLeast: 1, default: 4)
        let dataCleaner = try section.boolean("data_cleaner") ?? true
        let retries = try section.wholeNumber("retries", atLeast: 0, default: 0)
        let logLevel = (try section.string("log_level") ?? "INFO").uppercased()
        guard Self.logLevels.contains(logLevel) else {
            throw section.error("log_level", "must be one of \(Self.logLevels.joined(separator: ", ")), not \"\(logLevel)\"")
        }

        section.set("backend", .string(backend))
        section.set("storage", .string(storage))
        section.set("mode", .string(mode))
        section.set("monitoring", .string(monitoring))
        section.set("monitoring_interval", section.present("monitoring_interval") ?? .int(2))
        section.set("execution_timeout", .int(executionTimeout))
        section.set("data_limit", .int(dataLimit))
        section.set("data_cleaner", .bool(dataCleaner))
        section.set("retries", .int(retries))
        section.set("log_level", .string(logLevel))
        return LithopsSettings(
            backend: backend, storage: storage, monitoringInterval: monitoringInterval, executionTimeout: executionTimeout,
            dataLimit: dataLimit, dataCleaner: dataCleaner, retries: retries, logLevel: logLevel)
    }

    // MARK: oracle

    /// Fills the keys the section does not set from the OCI CLI profile it names, if any. Returns the
    /// profile's description for messages.
    private func applyProfile(_ section: inout Section) throws(ConfigError) -> String? {
        let configFile = try section.string("config_file")
        let profile = try section.string("profile")
        guard configFile != nil || profile != nil else { return nil }
        let profileName = profile ?? OCIConfigFile.defaultProfile
        let path = Paths.absolute(configFile ?? Self.defaultOCIConfigFile, base: baseDirectory, home: home)
        let text: String
        do throws(FileProblem) {
            text = try readText(path)
        } catch {
            let named = configFile == nil
                ? "the default OCI config file \(path) (used because \"profile\" is set without \"config_file\")"
                : "\(path)"
            throw ConfigError(
                section: "oracle", key: "config_file",
                message: "\(section.field("config_file")): \(named) \(error.explanation); create it with \"oci setup config\" or point config_file at your OCI CLI config file")
        }
        let file = try OCIConfigFile.parse(text, path: path)
        let origin = "profile \"\(profileName)\" of \(path)"
        for (key, value) in try file.settings(ofProfile: profileName) where OCIConfigFile.credentialKeys.contains(key) {
            guard section.present(key) == nil else { continue }
            // a profile's files are where the OCI CLI wrote them, beside its config file
            let isPath = key == "key_file" || key == "security_token_file"
            let resolved = isPath ? Paths.absolute(value, base: Paths.directory(of: path), home: home) : value
            section.set(key, .string(resolved), origin: origin)
        }
        section.set("config_file", .string(path))
        section.set("profile", .string(profileName))
        return origin
    }

    /// The way of signing: `auth` when set; else a session token when security_token_file is set; else
    /// resource principals inside a function (their environment present, no API key configured); else an API key.
    private func authMode(_ section: Section) throws(ConfigError) -> AuthMode {
        if let auth = try section.string("auth") {
            guard let mode = AuthMode(rawValue: auth.lowercased()) else {
                throw section.error("auth", "is \"\(auth)\", which is not a way of signing; use \(AuthMode.spelled)")
            }
            return mode
        }
        if try section.string("security_token_file") != nil { return .securityToken }
        var keyConfigured = false
        for key in ["user", "fingerprint", "key_file"] where try section.string(key) != nil { keyConfigured = true }
        if !keyConfigured, environment[Self.resourcePrincipalVersion] != nil { return .resourcePrincipal }
        return .apiKey
    }

    private func readOracle(_ section: inout Section, profileInUse: String?) throws(ConfigError) -> OracleSettings {
        let auth = try authMode(section)
        section.set("auth", .string(auth.rawValue))
        if auth == .resourcePrincipal, try section.string("region") == nil,
           let region = environment["OCI_RESOURCE_PRINCIPAL_REGION"], !region.isEmpty
        {
            section.set("region", .string(region), origin: "OCI_RESOURCE_PRINCIPAL_REGION")
        }
        let note = (profileInUse.map { ", and the \($0) does not set it either" } ?? "")
            + (auth == .apiKey ? "" : " with auth: \(auth.rawValue)")
        for key in Self.mandatoryOracleKeys(auth) where try section.string(key) == nil {
            throw mandatory(section, key, note: note)
        }
        try checkAccountKeys(&section)
        let checked = section
        let required = { (key: String) throws(ConfigError) -> String in
            guard let value = try checked.string(key) else { throw mandatory(checked, key, note: note) }
            return value
        }
        let authEndpoint = try endpoint(&section, key: "auth_endpoint")
        return OracleSettings(
            auth: auth, user: try checked.string("user"), region: try required("region"),
            fingerprint: try checked.string("fingerprint"), tenancy: try checked.string("tenancy"),
            keyFile: try checked.string("key_file"), compartmentId: try required("compartment_id"),
            tenancyNamespace: try checked.string("tenancy_namespace"), passPhrase: try checked.string("pass_phrase"),
            securityTokenFile: try checked.string("security_token_file"), authEndpoint: authEndpoint,
            credentials: try credentials(section, auth: auth, oracle: nil))
    }

    /// Checks the account keys a section sets (oracle's, or a service's own overrides of them), and
    /// rewrites key_file as an absolute path.
    private func checkAccountKeys(_ section: inout Section) throws(ConfigError) {
        if let user = try section.string("user") { try checkOCID(section, "user", user, types: ["user"]) }
        if let tenancy = try section.string("tenancy") { try checkOCID(section, "tenancy", tenancy, types: ["tenancy"]) }
        if let compartment = try section.string("compartment_id") {
            try checkOCID(section, "compartment_id", compartment, types: ["compartment", "tenancy"])
        }
        if let region = try section.string("region") { try checkRegion(section, region) }
        if let fingerprint = try section.string("fingerprint") { try checkFingerprint(section, fingerprint) }
        if let keyFile = try section.string("key_file") {
            let path = Paths.absolute(keyFile, base: baseDirectory, home: home)
            try checkFile(section, "key_file", path)
            section.set("key_file", .string(path))
        }
        if let tokenFile = try section.string("security_token_file") {
            let path = Paths.absolute(tokenFile, base: baseDirectory, home: home)
            try checkFile(section, "security_token_file", path)
            section.set("security_token_file", .string(path))
        }
        _ = try section.string("pass_phrase")
        _ = try section.string("tenancy_namespace")
    }

    /// A file the credentials will read: there, a regular file, readable, not too large. Its content is read
    /// once, by the credential provider.
    private func checkFile(_ section: Section, _ key: String, _ path: String) throws(ConfigError) {
        do throws(FileProblem) {
            try Files.checkReadable(path, limit: Self.fileSizeLimit)
        } catch {
            throw section.error(key, "names \(path), which \(error.explanation); \(Self.hints[key] ?? "")")
        }
    }

    private func checkOCID(_ section: Section, _ key: String, _ value: String, types: [String]) throws(ConfigError) {
        let wanted = types.joined(separator: " or a ")
        switch Formats.ocidProblem(value, types: types) {
        case nil: return
        case .malformed?:
            throw section.error(key, "is not an OCID: \"\(value)\" does not have the form ocid1.\(types[0]).<realm>.[region].<unique id>; \(Self.hints[key] ?? "")")
        case .wrongType(let found)?:
            throw section.error(key, "is the OCID of a \(found), not of a \(wanted); \(Self.hints[key] ?? "")")
        }
    }

    private func checkRegion(_ section: Section, _ value: String) throws(ConfigError) {
        switch Formats.regionProblem(value) {
        case nil: return
        case .uppercase(let suggestion)?:
            throw section.error("region", "is \"\(value)\", but region identifiers are lowercase; write \(suggestion)")
        case .shortKey?:
            throw section.error("region", "is \"\(value)\", a short region key; write the region identifier it stands for (e.g. us-ashburn-1 for iad), as listed on https://cloud.oracle.com/regions")
        case .malformed?:
            throw section.error("region", "is \"\(value)\", which is not a region identifier (lowercase words and a number joined by hyphens); \(Self.hints["region"] ?? "")")
        }
    }

    private func checkFingerprint(_ section: Section, _ value: String) throws(ConfigError) {
        switch Formats.fingerprintProblem(value) {
        case nil: return
        case .uppercase(let suggestion)?:
            throw section.error("fingerprint", "is in uppercase, but OCI expects lowercase hex digits; write \(suggestion)")
        case .malformed?:
            throw section.error("fingerprint", "is \"\(value)\", which is not a key fingerprint (16 pairs of hex digits separated by colons, like 3c:9e:21:5a:0f:7d:88:b4:61:e2:19:ac:5d:37:f0:42); \(Self.hints["fingerprint"] ?? "")")
        }
    }

    // MARK: services

    /// The service section with the oracle keys it does not set, as Lithops merges them.
    private func inherit(_ section: inout Section, from oracleSection: Section) {
        for (key, value) in oracleSection.entries where section.present(key) == nil {
            section.set(key, value)
        }
    }

    /// What `section` signs with: the oracle section's mode, with the key settings `section` sets itself (a
    /// service section's own API key) before those of `oracle`.
    private func credentials(_ section: Section, auth: AuthMode, oracle: OracleSettings?) throws(ConfigError) -> Credentials {
        let value = { (key: String, inherited: String?) throws(ConfigError) -> String? in try section.string(key) ?? inherited }
        let missing = { (key: String) -> ConfigError in mandatory(section, key, note: auth == .apiKey ? "" : " with auth: \(auth.rawValue)") }
        switch auth {
        case .apiKey:
            guard let user = try value("user", oracle?.user) else { throw missing("user") }
            guard let tenancy = try value("tenancy", oracle?.tenancy) else { throw missing("tenancy") }
            guard let fingerprint = try value("fingerprint", oracle?.fingerprint) else { throw missing("fingerprint") }
            guard let keyFile = try value("key_file", oracle?.keyFile) else { throw missing("key_file") }
            return .apiKey(OracleCredentials(
                user: user, tenancy: tenancy, fingerprint: fingerprint, keyFile: keyFile,
                passPhrase: try value("pass_phrase", oracle?.passPhrase)))
        case .securityToken:
            guard let tokenFile = try value("security_token_file", oracle?.securityTokenFile) else { throw missing("security_token_file") }
            guard let keyFile = try value("key_file", oracle?.keyFile) else { throw missing("key_file") }
            let profile = try section.string("profile") ?? OCIConfigFile.defaultProfile
            let origin = try section.string("config_file").map { "profile \"\(profile)\" of \($0)" } ?? "the \"\(section.name)\" section"
            return .securityToken(SecurityTokenCredentials(
                tokenFile: tokenFile, keyFile: keyFile, passPhrase: try value("pass_phrase", oracle?.passPhrase),
                origin: origin, profile: profile))
        case .instancePrincipal:
            return .instancePrincipal(authEndpoint: try section.string("auth_endpoint") ?? oracle?.authEndpoint)
        case .resourcePrincipal:
            return .resourcePrincipal
        }
    }

    private func endpoint(_ section: inout Section, key: String = "endpoint") throws(ConfigError) -> String? {
        guard let value = try section.string(key) else { return nil }
        switch Formats.normalizedEndpoint(value) {
        case .success(let normalized):
            section.set(key, .string(normalized))
            return normalized
        case .failure(let problem):
            throw section.error(key, "is \"\(value)\", which \(problem.explanation) (e.g. http://127.0.0.1:8080 for the emulator)")
        }
    }

    private func readFunctions(_ section: inout Section, oracle: OracleSettings, oracleSection: Section) throws(ConfigError) -> FunctionsSettings {
        guard let subnetId = try section.string("subnet_id") else { throw mandatory(section, "subnet_id") }
        try checkOCID(section, "subnet_id", subnetId, types: ["subnet"])
        try checkAccountKeys(&section)
        let maxWorkers = try section.wholeNumber("max_workers", atLeast: 1, default: 300)
        let workerProcesses = try section.wholeNumber("worker_processes", atLeast: 1, default: 1)
        let invokePoolThreads = try section.wholeNumber("invoke_pool_threads", atLeast: 1, default: 64)
        let runtime = try section.string("runtime")
        let runtimeMemory = try section.wholeNumber("runtime_memory", example: 256) ?? 256
        guard FunctionsSettings.memorySizes.contains(runtimeMemory) else {
            let sizes = FunctionsSettings.memorySizes.map(String.init).joined(separator: ", ")
            throw section.error("runtime_memory", "is \(runtimeMemory) MB, a size Oracle Functions does not offer; use one of \(sizes)")
        }
        let runtimeTimeout = try section.wholeNumber("runtime_timeout", example: 300) ?? 300
        guard FunctionsSettings.timeoutRange.contains(runtimeTimeout) else {
            throw section.error("runtime_timeout", "must be between 1 and 300 seconds (Oracle Functions' limit), not \(runtimeTimeout)")
        }
        let endpoint = try endpoint(&section)
        let applicationName = try section.string("application_name")
        if let applicationName, !FunctionsSettings.isApplicationName(applicationName) {
            throw section.error("application_name", "is \"\(applicationName)\", which is not an application name: use 1 to 255 letters, digits, '-' and '_'")
        }
        let (logGroupId, logId) = try logSettings(section)
        let dockerUser = try section.string("docker_user")
        let dockerPassword = try section.string("docker_password")
        inherit(&section, from: oracleSection)
        let region = try section.string("region") ?? oracle.region
        let dockerServer = try section.string("docker_server") ?? "\(region).ocir.io"
        for (key, value) in [
            ("max_workers", maxWorkers), ("worker_processes", workerProcesses), ("runtime_memory", runtimeMemory),
            ("runtime_timeout", runtimeTimeout), ("invoke_pool_threads", invokePoolThreads),
        ] {
            section.set(key, .int(value))
        }
        section.set("docker_server", .string(dockerServer))
        return FunctionsSettings(
            credentials: try credentials(section, auth: oracle.auth, oracle: oracle), region: region,
            compartmentId: try section.string("compartment_id") ?? oracle.compartmentId,
            tenancyNamespace: try section.string("tenancy_namespace"), subnetId: subnetId, maxWorkers: maxWorkers,
            workerProcesses: workerProcesses, runtime: runtime, runtimeMemory: runtimeMemory, runtimeTimeout: runtimeTimeout,
            invokePoolThreads: invokePoolThreads, dockerServer: dockerServer, dockerUser: dockerUser, dockerPassword: dockerPassword,
            applicationName: applicationName, logGroupId: logGroupId, logId: logId, endpoint: endpoint)
    }

    /// log_group_id and log_id name one log together (OCI Logging searches a log within its group).
    private func logSettings(_ section: Section) throws(ConfigError) -> (group: String?, log: String?) {
        let group = try section.string("log_group_id")
        let log = try section.string("log_id")
        if let group { try checkOCID(section, "log_group_id", group, types: ["loggroup"]) }
        if let log { try checkOCID(section, "log_id", log, types: ["log"]) }
        switch (group, log) {
        case (nil, .some): throw mandatory(section, "log_group_id", note: " when log_id is set")
        case (.some, nil): throw mandatory(section, "log_id", note: " when log_group_id is set")
        default: return (group, log)
        }
    }

    private func readStorage(_ section: inout Section, oracle: OracleSettings, oracleSection: Section) throws(ConfigError) -> StorageSettings {
        try checkAccountKeys(&section)
        let bucket = try section.string("storage_bucket")
        if let bucket {
            let allowed = bucket.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
            guard allowed, (1...256).contains(bucket.count) else {
                throw section.error("storage_bucket", "is \"\(bucket)\", which is not a bucket name: use up to 256 letters, digits, '-', '_' and '.'")
            }
        }
        let endpoint = try endpoint(&section)
        inherit(&section, from: oracleSection)
        return StorageSettings(
            credentials: try credentials(section, auth: oracle.auth, oracle: oracle), region: try section.string("region") ?? oracle.region,
            compartmentId: try section.string("compartment_id") ?? oracle.compartmentId,
            tenancyNamespace: try section.string("tenancy_namespace"), storageBucket: bucket, endpoint: endpoint)
    }

    // MARK: files

    private func readText(_ path: String) throws(FileProblem) -> String {
        let bytes = try Files.read(path, limit: Self.fileSizeLimit)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .unreadable(reason: "it is not UTF-8 text") }
        return text
    }
}
