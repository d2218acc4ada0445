import Foundation
import OFConfig
import XCTest

/// The shared fixtures under Tests/Fixtures, and scratch folders that tests remove when done.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let configDirectory = root.appendingPathComponent("config").path
    static let keysDirectory = root.appendingPathComponent("keys").path
    static let keyFile = keysDirectory + "/test2048_private_pkcs8.pem"
    static let fingerprint = "82:ce:c5:77:08:2b:aa:cc:b5:f5:99:fb:4a:13:96:0d"

    /// A valid configuration using the test key; `extra` lines are appended to the oracle_f section.
    static func yaml(oracleF extra: String = "", more: String = "") -> String {
        """
        oracle:
            user: ocid1.user.oc1..aaaaaaaatestuser
            region: eu-madrid-1
            fingerprint: \(fingerprint)
            tenancy: ocid1.tenancy.oc1..aaaaaaaatesttenancy
            key_file: \(keyFile)
            compartment_id: ocid1.compartment.oc1..aaaaaaaatestcompartment
        oracle_f:
            subnet_id: ocid1.subnet.oc1.eu-madrid-1.aaaaaaaatestsubnet
        \(extra)
        \(more)
        """
    }
}

/// A fresh folder under the temporary directory, removed by `remove()`.
struct ScratchDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("ofconfig-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ relativePath: String, _ text: String) throws -> String {
        let file = path + "/" + relativePath
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The ConfigError `body` throws; fails the test when it throws none.
func configError(_ body: () throws(ConfigError) -> Any, file: StaticString = #filePath, line: UInt = #line) -> ConfigError? {
    do {
        _ = try body()
        XCTFail("expected a ConfigError", file: file, line: line)
        return nil
    } catch {
        return error
    }
}
