import Foundation
import OFConfig
import OFSigning
import XCTest

@testable import OFEmulator

/// The key and configuration an emulator makes when it is given none, and trusting a configuration's keys.
final class GeneratedSetupTests: XCTestCase {
    func testGeneratedConfigurationLoadsAndItsKeyIsTrusted() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ofn setup \(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let setup = try GeneratedSetup(directory: directory)
        try setup.writeConfiguration(url: "http://127.0.0.1:4321", namespace: "myns")

        let configuration = try Configuration.load(path: setup.configFile, environment: [:])
        XCTAssertEqual(configuration.functions.endpoint, "http://127.0.0.1:4321")
        XCTAssertEqual(configuration.storage.endpoint, "http://127.0.0.1:4321")
        XCTAssertEqual(configuration.oracle.tenancyNamespace, "myns")
        XCTAssertEqual(configuration.oracle.keyFile, setup.keyFile)
        let trusted = try TrustedKeys.from(configuration)
        XCTAssertEqual(Array(trusted.keys), [setup.keyId])
        XCTAssertEqual(trusted[setup.keyId]?.fingerprint, setup.fingerprint)

        let permissions = try FileManager.default.attributesOfItem(atPath: setup.keyFile)[.posixPermissions] as? Int
        XCTAssertEqual(permissions, 0o600, "the private key is readable by its owner only")
        let again = try GeneratedSetup(directory: directory)
        XCTAssertEqual(again.fingerprint, setup.fingerprint, "a restart with the same directory keeps the key")
    }

    func testConfigurationWhoseKeyDoesNotMatchItsFingerprintIsRefused() throws {
        let key = EmulatorFixtures.fixtures.appendingPathComponent("keys/test2048_private_pkcs8.pem").path
        let yaml = """
            lithops: {backend: oracle_f, storage: oracle_oss}
            oracle:
              user: \(EmulatorFixtures.user)
              tenancy: \(EmulatorFixtures.tenancy)
              fingerprint: 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff
              key_file: \(key)
              region: us-ashburn-1
              compartment_id: \(EmulatorFixtures.compartment)
            oracle_f: {subnet_id: ocid1.subnet.oc1.iad.aaaa}
            """
        let configuration = try Configuration.parse(yaml: yaml, environment: [:])
        XCTAssertThrowsError(try TrustedKeys.from(configuration)) { error in
            XCTAssertEqual((error as? ConfigError)?.key, "fingerprint")
        }
        let fixed = try Configuration.parse(yaml: yaml.replacingOccurrences(of: "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff", with: "82:ce:c5:77:08:2b:aa:cc:b5:f5:99:fb:4a:13:96:0d"), environment: [:])
        XCTAssertEqual(Array(try TrustedKeys.from(fixed).keys), ["\(EmulatorFixtures.tenancy)/\(EmulatorFixtures.user)/82:ce:c5:77:08:2b:aa:cc:b5:f5:99:fb:4a:13:96:0d"])
    }
}
