import Foundation
import Glibc
import XCTest

@testable import OFConfig

/// Files that are not regular files (a FIFO above all, whose open waits for a writer forever) are refused at
/// once, naming the key, wherever the configuration reads one.
final class FileTypeTests: XCTestCase {
    private func fifo(in scratch: ScratchDirectory, _ name: String) throws -> String {
        let path = scratch.path + "/" + name
        XCTAssertEqual(mkfifo(path, 0o600), 0, "mkfifo \(path)")
        return path
    }

    private func refusal(_ load: () throws -> Configuration) -> ConfigError? {
        do {
            _ = try load()
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            XCTFail("not a ConfigError: \(error)")
            return nil
        }
    }

    func testAFIFOIsRefusedAsConfigurationFileKeyFileAndProfileFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }

        let configFile = try fifo(in: scratch, "config.yaml")
        let asConfig = refusal { try Configuration.load(path: configFile, environment: ["HOME": scratch.path]) }
        XCTAssertTrue(asConfig?.description.contains("not a regular file") == true, asConfig?.description ?? "accepted")

        let keyFile = try fifo(in: scratch, "key.pem")
        let asKey = refusal { try Configuration.parse(yaml: Fixtures.yaml().replacingOccurrences(of: Fixtures.keyFile, with: keyFile), environment: [:]) }
        XCTAssertEqual(asKey?.key, "key_file")
        XCTAssertTrue(asKey?.description.contains("not a regular file") == true, asKey?.description ?? "accepted")

        let profileFile = try fifo(in: scratch, "oci_config")
        let asProfile = refusal {
            try Configuration.parse(yaml: """
                oracle: {config_file: \(profileFile), compartment_id: ocid1.compartment.oc1..aaaaaaaatestcompartment}
                oracle_f: {subnet_id: ocid1.subnet.oc1.eu-madrid-1.aaaaaaaatestsubnet}
                """, environment: [:])
        }
        XCTAssertEqual(asProfile?.key, "config_file")
    }
}
