import Foundation
@testable import OFConfig
import XCTest

final class ConfigurationTests: XCTestCase {
    private func parse(_ yaml: String, overrides: ConfigValue? = nil) throws -> Configuration {
        try Configuration.parse(yaml: yaml, overrides: overrides, environment: ["HOME": "/nonexistent-home"])
    }

    func testValidFixtureLoadsWithKeyFileRelativeToIt() throws {
        let config = try Configuration.load(path: Fixtures.configDirectory + "/valid.yaml", environment: [:])
        XCTAssertEqual(config.source, Fixtures.configDirectory + "/valid.yaml")
        XCTAssertEqual(config.oracle.keyFile, Fixtures.keyFile)
        XCTAssertEqual(config.oracle.fingerprint, Fixtures.fingerprint)
        XCTAssertEqual(config.storage.storageBucket, "oraclefn-test")
        XCTAssertEqual(config.oracle.credentials.apiKey?.keyId,
                       "ocid1.tenancy.oc1..aaaaaaaatesttenancy/ocid1.user.oc1..aaaaaaaatestuser/\(Fixtures.fingerprint)")
    }

    func testEncryptedFixtureCarriesItsPassPhrase() throws {
        let config = try Configuration.load(path: Fixtures.configDirectory + "/valid-encrypted.yaml", environment: [:])
        XCTAssertEqual(config.oracle.passPhrase, "oci-test-passphrase")
        XCTAssertEqual(config.functions.credentials.apiKey?.passPhrase, "oci-test-passphrase")
        XCTAssertEqual(config.oracle.keyFile, Fixtures.keysDirectory + "/test2048_private_pkcs8_encrypted.pem")
    }

    func testDefaults() throws {
        let config = try parse(Fixtures.yaml())
        XCTAssertEqual(config.lithops, LithopsSettings(
            backend: "oracle_f", storage: "oracle_oss", monitoringInterval: 2, executionTimeout: 1800,
            dataLimit: 4, dataCleaner: true, retries: 0, logLevel: "INFO"))
        let functions = config.functions
        XCTAssertEqual(functions.maxWorkers, 300)
        XCTAssertEqual(functions.workerProcesses, 1)
        XCTAssertNil(functions.runtime)
        XCTAssertEqual(functions.runtimeMemory, 256)
        XCTAssertEqual(functions.runtimeTimeout, 300)
        XCTAssertEqual(functions.invokePoolThreads, 64)
        XCTAssertEqual(functions.region, "eu-madrid-1")
        XCTAssertEqual(functions.dockerServer, "eu-madrid-1.ocir.io")
        XCTAssertNil(functions.endpoint)
        XCTAssertEqual(functions.subnetId, "ocid1.subnet.oc1.eu-madrid-1.aaaaaaaatestsubnet")
        XCTAssertEqual(functions.credentials, config.oracle.credentials)
        XCTAssertEqual(functions.compartmentId, "ocid1.compartment.oc1..aaaaaaaatestcompartment")
        XCTAssertEqual(config.storage.region, "eu-madrid-1")
        XCTAssertNil(config.storage.storageBucket)
        XCTAssertNil(config.storage.endpoint)
        XCTAssertNil(config.oracle.tenancyNamespace)
        XCTAssertNil(config.oracle.passPhrase)

        let merged = config.merged
        XCTAssertEqual(merged.mapEntries?.map(\.0), ["lithops", "oracle", "oracle_f", "oracle_oss"])
        XCTAssertEqual(merged["lithops"]?["mode"], .string("serverless"))
        XCTAssertEqual(merged["lithops"]?["monitoring"], .string("storage"))
        XCTAssertEqual(merged["lithops"]?["monitoring_interval"], .int(2))
        XCTAssertEqual(merged["oracle_f"]?["max_workers"], .int(300))
        XCTAssertEqual(merged["oracle_f"]?["docker_server"], .string("eu-madrid-1.ocir.io"))
        XCTAssertEqual(merged["oracle_oss"]?["user"], .string("ocid1.user.oc1..aaaaaaaatestuser"))
    }

    func testSettingsAreRead() throws {
        let config = try parse(Fixtures.yaml(oracleF: """
                max_workers: 50
                worker_processes: 4
                runtime: lithops-default:3.1
                runtime_memory: 1024
                runtime_timeout: 120
                invoke_pool_threads: 8
                endpoint: HTTP://127.0.0.1:8080/
            """, more: """
            lithops:
                monitoring_interval: 0.5
                execution_timeout: 60
                data_limit: 8
                data_cleaner: no
                retries: 2
                log_level: debug
            """))
        XCTAssertEqual(config.lithops, LithopsSettings(
            backend: "oracle_f", storage: "oracle_oss", monitoringInterval: 0.5, executionTimeout: 60,
            dataLimit: 8, dataCleaner: false, retries: 2, logLevel: "DEBUG"))
        XCTAssertEqual(config.functions.maxWorkers, 50)
        XCTAssertEqual(config.functions.workerProcesses, 4)
        XCTAssertEqual(config.functions.runtime, "lithops-default:3.1")
        XCTAssertEqual(config.functions.runtimeMemory, 1024)
        XCTAssertEqual(config.functions.runtimeTimeout, 120)
        XCTAssertEqual(config.functions.invokePoolThreads, 8)
        XCTAssertEqual(config.functions.endpoint, "http://127.0.0.1:8080")
        XCTAssertEqual(config.merged["oracle_f"]?["endpoint"], .string("http://127.0.0.1:8080"))
    }

    func testServiceKeysWinOverOracleKeys() throws {
        let config = try parse(Fixtures.yaml(oracleF: """
                region: us-ashburn-1
                compartment_id: ocid1.tenancy.oc1..aaaaaaaatesttenancy
                user: ocid1.user.oc1..aaaaaaaafunctionsuser
            """, more: """
            oracle_oss:
                region: uk-london-1
                tenancy_namespace: storagens
                endpoint: https://[::1]:9000
            """))
        XCTAssertEqual(config.functions.region, "us-ashburn-1")
        XCTAssertEqual(config.functions.dockerServer, "us-ashburn-1.ocir.io")
        XCTAssertEqual(config.functions.compartmentId, "ocid1.tenancy.oc1..aaaaaaaatesttenancy", "a tenancy OCID is a compartment")
        XCTAssertEqual(config.functions.credentials.apiKey?.user, "ocid1.user.oc1..aaaaaaaafunctionsuser")
        XCTAssertEqual(config.functions.credentials.apiKey?.tenancy, config.oracle.tenancy)
        XCTAssertEqual(config.oracle.region, "eu-madrid-1")
        XCTAssertEqual(config.oracle.user, "ocid1.user.oc1..aaaaaaaatestuser")
        XCTAssertEqual(config.storage.region, "uk-london-1")
        XCTAssertEqual(config.storage.tenancyNamespace, "storagens")
        XCTAssertEqual(config.storage.endpoint, "https://[::1]:9000")
        XCTAssertEqual(config.storage.credentials.apiKey?.user, "ocid1.user.oc1..aaaaaaaatestuser")
        XCTAssertEqual(config.merged["oracle_f"]?["region"], .string("us-ashburn-1"))
        XCTAssertEqual(config.merged["oracle_f"]?["fingerprint"], .string(Fixtures.fingerprint))
    }

    func testOracleNamespaceFlowsIntoServicesAndDockerServerCanBeSet() throws {
        let yaml = Fixtures.yaml(oracleF: "    docker_server: iad.ocir.io")
            .replacingOccurrences(of: "oracle:\n", with: "oracle:\n    tenancy_namespace: myns\n")
        let config = try parse(yaml)
        XCTAssertEqual(config.oracle.tenancyNamespace, "myns")
        XCTAssertEqual(config.functions.tenancyNamespace, "myns")
        XCTAssertEqual(config.storage.tenancyNamespace, "myns")
        XCTAssertEqual(config.functions.dockerServer, "iad.ocir.io")
    }

    func testRuntimeRegistryAndLogKeys() throws {
        let config = try parse(Fixtures.yaml(oracleF: """
                application_name: my_app-2
                docker_user: ns/someone@example.com
                docker_password: registry-token-value
                log_group_id: ocid1.loggroup.oc1.eu-madrid-1.aaaaaaaatestgroup
                log_id: ocid1.log.oc1.eu-madrid-1.aaaaaaaatestlog
            """))
        XCTAssertEqual(config.functions.applicationName, "my_app-2")
        XCTAssertEqual(config.functions.dockerUser, "ns/someone@example.com")
        XCTAssertEqual(config.functions.dockerPassword, "registry-token-value")
        XCTAssertEqual(config.functions.logGroupId, "ocid1.loggroup.oc1.eu-madrid-1.aaaaaaaatestgroup")
        XCTAssertEqual(config.functions.logId, "ocid1.log.oc1.eu-madrid-1.aaaaaaaatestlog")
        XCTAssertFalse(config.maskedJSON.contains("registry-token-value"))

        let defaults = try parse(Fixtures.yaml())
        XCTAssertNil(defaults.functions.applicationName)
        XCTAssertNil(defaults.functions.dockerPassword)
        XCTAssertNil(defaults.functions.logId)
    }

    func testRuntimeAndLogKeysAreChecked() {
        let cases: [(String, String, String)] = [
            ("    application_name: my app", "application_name", "not an application name"),
            ("    log_id: ocid1.log.oc1.eu-madrid-1.aaaaaaaatestlog", "log_group_id", "\"log_group_id\" is mandatory in the \"oracle_f\" section of the configuration when log_id is set"),
            ("    log_group_id: ocid1.loggroup.oc1.eu-madrid-1.aaaaaaaatestgroup", "log_id", "mandatory in the \"oracle_f\" section of the configuration when log_group_id is set"),
            ("    log_group_id: ocid1.loggroup.oc1..aaaa\n    log_id: ocid1.subnet.oc1..aaaa", "log_id", "is the OCID of a subnet, not of a log"),
            ("    docker_password: 12345", "docker_password", "must be text"),
        ]
        for (lines, key, expected) in cases {
            let error = configError { () throws(ConfigError) in try self.parseTyped(Fixtures.yaml(oracleF: lines)) }
            XCTAssertEqual(error?.section, "oracle_f", lines)
            XCTAssertEqual(error?.key, key, lines)
            XCTAssertTrue(error?.description.contains(expected) == true, "\(lines): \(error?.description ?? "no error")")
            XCTAssertFalse(error?.description.contains("12345") == true, "a secret's value stays out of the message")
        }
    }

    func testServiceOverrideOfAnAccountKeyIsCheckedInItsSection() {
        let error = configError { () throws(ConfigError) in
            try self.parseTyped(Fixtures.yaml(more: "oracle_oss:\n    tenancy: ocid1.user.oc1..aaaaaaaatestuser"))
        }
        XCTAssertEqual(error?.section, "oracle_oss")
        XCTAssertEqual(error?.key, "tenancy")
    }

    private func parseTyped(_ yaml: String, overrides: ConfigValue? = nil) throws(ConfigError) -> Configuration {
        try Configuration.parse(yaml: yaml, overrides: overrides, environment: ["HOME": "/nonexistent-home"])
    }

    func testKeyFileTildeAndRelativePaths() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let key = try String(contentsOfFile: Fixtures.keyFile, encoding: .utf8)
        try scratch.write("home/.oci/key.pem", key)
        try scratch.write("conf/keys/key.pem", key)
        let home = scratch.path + "/home"
        let tilde = Fixtures.yaml().replacingOccurrences(of: Fixtures.keyFile, with: "~/.oci/key.pem")
        XCTAssertEqual(try Configuration.parse(yaml: tilde, environment: ["HOME": home]).oracle.keyFile, home + "/.oci/key.pem")

        let relative = Fixtures.yaml().replacingOccurrences(of: Fixtures.keyFile, with: "./keys/../keys/key.pem")
        let fromText = try Configuration.parse(yaml: relative, environment: [:], baseDirectory: scratch.path + "/conf")
        XCTAssertEqual(fromText.oracle.keyFile, scratch.path + "/conf/keys/key.pem")
        let file = try scratch.write("conf/config.yaml", relative)
        XCTAssertEqual(try Configuration.load(path: file, environment: [:]).oracle.keyFile, scratch.path + "/conf/keys/key.pem")
    }

    func testAlternativeScalarSpellings() throws {
        let config = try parse(Fixtures.yaml(oracleF: "    max_workers: 0x10\n    runtime_timeout: 1_00", more: "lithops:\n    data_cleaner: off"))
        XCTAssertEqual(config.functions.maxWorkers, 16)
        XCTAssertEqual(config.functions.runtimeTimeout, 100)
        XCTAssertFalse(config.lithops.dataCleaner)
    }

    // MARK: OCI CLI profiles

    func testProfileFixtureInheritsDefault() throws {
        let config = try Configuration.load(path: Fixtures.configDirectory + "/valid-profile.yaml", environment: [:])
        XCTAssertEqual(config.oracle.user, "ocid1.user.oc1..aaaaaaaatestuser", "DEV's own key wins over DEFAULT's")
        XCTAssertEqual(config.oracle.fingerprint, Fixtures.fingerprint)
        XCTAssertEqual(config.oracle.tenancy, "ocid1.tenancy.oc1..aaaaaaaatesttenancy", "inherited from DEFAULT")
        XCTAssertEqual(config.oracle.region, "eu-madrid-1")
        XCTAssertEqual(config.oracle.keyFile, Fixtures.keyFile, "relative to the OCI config file")
        XCTAssertEqual(config.merged["oracle"]?["config_file"], .string(Fixtures.configDirectory + "/oci_config"))
        XCTAssertEqual(config.merged["oracle"]?["profile"], .string("DEV"))
    }

    func testYAMLKeysWinOverProfileKeys() throws {
        let yaml = try String(contentsOfFile: Fixtures.configDirectory + "/valid-profile.yaml", encoding: .utf8)
            .replacingOccurrences(of: "profile: DEV", with: "profile: DEV\n    region: us-phoenix-1")
        let config = try Configuration.parse(yaml: yaml, environment: [:], baseDirectory: Fixtures.configDirectory)
        XCTAssertEqual(config.oracle.region, "us-phoenix-1")
    }

    func testProfileAloneReadsDefaultOCIConfigFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write(".oci/config", """
            [DEFAULT]
            user=ocid1.user.oc1..aaaaaaaatestuser
            fingerprint=\(Fixtures.fingerprint)
            tenancy=ocid1.tenancy.oc1..aaaaaaaatesttenancy
            region=us-ashburn-1
            key_file=\(Fixtures.keyFile)
            """)
        let yaml = """
            oracle:
                profile: DEFAULT
                compartment_id: ocid1.compartment.oc1..aaaaaaaatestcompartment
            oracle_f:
                subnet_id: ocid1.subnet.oc1.iad.aaaaaaaatestsubnet
            """
        let config = try Configuration.parse(yaml: yaml, environment: ["HOME": scratch.path])
        XCTAssertEqual(config.oracle.region, "us-ashburn-1")
        XCTAssertEqual(config.merged["oracle"]?["config_file"], .string(scratch.path + "/.oci/config"))

        let configFileAlone = yaml.replacingOccurrences(of: "profile: DEFAULT", with: "config_file: ~/.oci/config")
        let fromFile = try Configuration.parse(yaml: configFileAlone, environment: ["HOME": scratch.path])
        XCTAssertEqual(fromFile.merged["oracle"]?["profile"], .string("DEFAULT"))
        XCTAssertEqual(fromFile.oracle.tenancy, "ocid1.tenancy.oc1..aaaaaaaatesttenancy")

        let error = configError { () throws(ConfigError) in
            try Configuration.parse(yaml: yaml, environment: ["HOME": scratch.path + "/elsewhere"])
        }
        XCTAssertEqual(error?.key, "config_file")
        XCTAssertTrue(error?.description.contains("the default OCI config file") == true, error?.description ?? "")
    }

    // MARK: where it looks

    func testSearchOrder() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let cwd = scratch.path + "/work"
        let home = scratch.path + "/home"
        let system = scratch.path + "/etc/lithops/config"
        let environment = ["HOME": home]
        func locate(_ env: [String: String] = environment) -> String? {
            Configuration.locate(environment: env, currentDirectory: cwd, systemConfigFile: system)
        }
        XCTAssertNil(locate())
        let systemFile = try scratch.write("etc/lithops/config", Fixtures.yaml())
        XCTAssertEqual(locate(), systemFile)
        let homeFile = try scratch.write("home/.lithops/config", Fixtures.yaml())
        XCTAssertEqual(locate(), homeFile)
        let cwdFile = try scratch.write("work/.lithops_config", Fixtures.yaml())
        XCTAssertEqual(locate(), cwdFile)
        let envFile = try scratch.write("named.yaml", Fixtures.yaml(oracleF: "    max_workers: 7"))
        XCTAssertEqual(locate(environment.merging(["LITHOPS_CONFIG_FILE": "../named.yaml"]) { $1 }), envFile)

        let loaded = try Configuration.load(
            environment: environment.merging(["LITHOPS_CONFIG_FILE": envFile]) { $1 }, currentDirectory: cwd, systemConfigFile: system)
        XCTAssertEqual(loaded.source, envFile)
        XCTAssertEqual(loaded.functions.maxWorkers, 7)
        let explicit = try Configuration.load(path: systemFile, environment: environment, currentDirectory: cwd, systemConfigFile: system)
        XCTAssertEqual(explicit.source, systemFile)
        XCTAssertEqual(try Configuration.load(environment: environment, currentDirectory: cwd, systemConfigFile: system).source, cwdFile)
    }

    func testLoadErrorsNameTheFileAndTheFix() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let env = ["HOME": scratch.path]
        let system = scratch.path + "/no-etc"
        let none = configError { () throws(ConfigError) in
            try Configuration.load(environment: env, currentDirectory: scratch.path, systemConfigFile: system)
        }
        XCTAssertTrue(none?.description.hasPrefix("no configuration file found") == true, none?.description ?? "")
        XCTAssertTrue(none?.description.contains("LITHOPS_CONFIG_FILE") == true)

        let explicit = configError { () throws(ConfigError) in
            try Configuration.load(path: "missing.yaml", environment: env, currentDirectory: scratch.path)
        }
        XCTAssertEqual(explicit?.description, "the configuration file \(scratch.path)/missing.yaml does not exist; check the path you gave")

        let named = configError { () throws(ConfigError) in
            try Configuration.load(environment: ["LITHOPS_CONFIG_FILE": "/nowhere/config"], currentDirectory: scratch.path)
        }
        XCTAssertTrue(named?.description.contains("named by LITHOPS_CONFIG_FILE /nowhere/config does not exist") == true, named?.description ?? "")
        XCTAssertEqual(Configuration.locate(environment: ["LITHOPS_CONFIG_FILE": "/nowhere/config"]), "/nowhere/config")

        let directory = configError { () throws(ConfigError) in
            try Configuration.load(path: scratch.path, environment: env)
        }
        XCTAssertTrue(directory?.description.contains("is a directory, not a file") == true, directory?.description ?? "")

        let latin1 = scratch.path + "/latin1.yaml"
        try Data([0x61, 0x3A, 0x20, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: latin1))
        let notText = configError { () throws(ConfigError) in try Configuration.load(path: latin1, environment: env) }
        XCTAssertTrue(notText?.description.contains("cannot be read (it is not UTF-8 text)") == true, notText?.description ?? "")

        let huge = try scratch.write("huge.pem", String(repeating: "x", count: (1 << 20) + 1))
        let tooLarge = configError { () throws(ConfigError) in
            try Configuration.parse(yaml: Fixtures.yaml().replacingOccurrences(of: Fixtures.keyFile, with: huge), environment: env)
        }
        XCTAssertEqual(tooLarge?.key, "key_file")
        XCTAssertTrue(tooLarge?.description.contains("is larger than 1048576 bytes") == true, tooLarge?.description ?? "")
    }

    // MARK: overrides, masking, JSON

    func testOverridesApplyBeforeValidation() throws {
        let nested = try parse(Fixtures.yaml(), overrides: ConfigValue(json: #"{"oracle_f": {"max_workers": 10}, "lithops": {"retries": 3}}"#))
        XCTAssertEqual(nested.functions.maxWorkers, 10)
        XCTAssertEqual(nested.lithops.retries, 3)
        let dotted = try parse(Fixtures.yaml(), overrides: .map([("oracle_f.runtime_memory", .int(512)), ("oracle_oss.storage_bucket", .string("b"))]))
        XCTAssertEqual(dotted.functions.runtimeMemory, 512)
        XCTAssertEqual(dotted.storage.storageBucket, "b")
        let fillsMissing = try parse(Fixtures.yaml().replacingOccurrences(of: "    subnet_id: ocid1.subnet.oc1.eu-madrid-1.aaaaaaaatestsubnet\n", with: ""),
                                     overrides: .map([("oracle_f", .map([("subnet_id", .string("ocid1.subnet.oc1..aaaaaaaaother"))]))]))
        XCTAssertEqual(fillsMissing.functions.subnetId, "ocid1.subnet.oc1..aaaaaaaaother")

        let invalid = configError { () throws(ConfigError) in
            try self.parseTyped(Fixtures.yaml(), overrides: .map([("oracle_f", .map([("runtime_timeout", .int(0))]))]))
        }
        XCTAssertEqual(invalid?.key, "runtime_timeout")
        let unknown = configError { () throws(ConfigError) in
            try self.parseTyped(Fixtures.yaml(), overrides: .map([("oracle-f.max_workers", .int(1))]))
        }
        XCTAssertTrue(unknown?.description.contains("names the section \"oracle-f\", which oraclefn does not read") == true, unknown?.description ?? "")
        let flat = configError { () throws(ConfigError) in
            try self.parseTyped(Fixtures.yaml(), overrides: .map([("oracle_f", .int(1))]))
        }
        XCTAssertTrue(flat?.description.contains("the override of the \"oracle_f\" section must be a mapping") == true, flat?.description ?? "")
        let notMap = configError { () throws(ConfigError) in try self.parseTyped(Fixtures.yaml(), overrides: .list([])) }
        XCTAssertTrue(notMap?.description.hasPrefix("the overrides must be a mapping") == true, notMap?.description ?? "")
    }

    func testMaskedJSONHidesSecretsAndRoundTrips() throws {
        let yaml = Fixtures.yaml(oracleF: "    docker_password: hunter2\n    auth_token: tok-123")
            .replacingOccurrences(of: "oracle:\n", with: "oracle:\n    pass_phrase: s3cret-phrase\n    key_content: PEMDATA\n")
        let config = try parse(yaml)
        XCTAssertEqual(config.oracle.passPhrase, "s3cret-phrase")
        let json = config.maskedJSON
        for secret in ["s3cret-phrase", "PEMDATA", "hunter2", "tok-123"] {
            XCTAssertFalse(json.contains(secret), "\(secret) leaked into \(json)")
        }
        let masked = try ConfigValue(json: json)
        XCTAssertEqual(masked["oracle"]?["pass_phrase"], .string("********"))
        XCTAssertEqual(masked["oracle_f"]?["pass_phrase"], .string("********"), "merged copies are masked too")
        XCTAssertEqual(masked["oracle_f"]?["docker_password"], .string("********"))
        XCTAssertEqual(masked["oracle_f"]?["auth_token"], .string("********"))
        XCTAssertEqual(masked["oracle"]?["user"], config.merged["oracle"]?["user"])
        XCTAssertEqual(try ConfigValue(json: config.merged.json), config.merged, "JSON round trip keeps every value and key order")
    }

    func testSecretsNeverAppearInTypeErrors() {
        let error = configError { () throws(ConfigError) in
            try self.parseTyped(Fixtures.yaml(more: "oracle_oss:\n    pass_phrase: [hunter2]"))
        }
        XCTAssertEqual(error?.key, "pass_phrase")
        XCTAssertFalse(error?.description.contains("hunter2") ?? true)
    }

    func testEmptyTextAndEmptySections() {
        let empty = configError { () throws(ConfigError) in try self.parseTyped("") }
        XCTAssertEqual(empty?.section, "oracle")
        XCTAssertNil(empty?.key)
        let emptyOracleF = configError { () throws(ConfigError) in
            try self.parseTyped(Fixtures.yaml().replacingOccurrences(of: "    subnet_id: ocid1.subnet.oc1.eu-madrid-1.aaaaaaaatestsubnet\n", with: ""))
        }
        XCTAssertEqual(emptyOracleF?.key, "subnet_id")
    }
}
