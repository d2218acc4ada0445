import Foundation
import OFConfig
import XCTest

/// Runs Tests/Fixtures/config/bad-configs.json, the table the C and Python tests run too.
final class BadConfigTableTests: XCTestCase {
    struct Table: Decodable {
        let cases: [Case]
    }

    struct Case: Decodable {
        let name: String
        let yaml: String
        let ini: String?
        let section: String?
        let key: String?
        let expect: String
        let layer: String?
    }

    private func loadTable() throws -> [Case] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.configDirectory + "/bad-configs.json"))
        return try JSONDecoder().decode(Table.self, from: data).cases
    }

    /// The case's error from Configuration.parse, or nil when it parses.
    private func run(_ testCase: Case, scratch: ScratchDirectory) throws -> ConfigError? {
        var yaml = testCase.yaml
            .replacingOccurrences(of: "{KEYS}", with: Fixtures.keysDirectory)
            .replacingOccurrences(of: "{FIXTURES}", with: Fixtures.configDirectory)
        if let ini = testCase.ini {
            let text = ini.replacingOccurrences(of: "{KEYS}", with: Fixtures.keysDirectory)
            let path = try scratch.write("\(testCase.name).ini", text)
            yaml = yaml.replacingOccurrences(of: "{INI}", with: path)
        }
        do {
            _ = try Configuration.parse(yaml: yaml, source: "\(testCase.name).yaml", environment: ["HOME": scratch.path])
            return nil
        } catch {
            return error
        }
    }

    func testTableCoversEnoughCases() throws {
        let cases = try loadTable()
        XCTAssertGreaterThanOrEqual(cases.count, 30)
        XCTAssertEqual(Set(cases.map(\.name)).count, cases.count, "case names must be unique")
        XCTAssertEqual(cases.filter { $0.layer == "signing" }.count, 5)
    }

    func testEveryCaseGivesItsOwnError() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let cases = try loadTable().filter { $0.layer != "signing" }
        var messages: [String: String] = [:]
        for testCase in cases {
            guard let error = try run(testCase, scratch: scratch) else {
                XCTFail("\(testCase.name): parsed without an error")
                continue
            }
            messages[testCase.name] = error.description
            XCTAssertEqual(error.section, testCase.section, "\(testCase.name): section of \(error.description)")
            XCTAssertEqual(error.key, testCase.key, "\(testCase.name): key of \(error.description)")
            XCTAssertTrue(error.description.contains(testCase.expect), "\(testCase.name): \(error.description)")
            XCTAssertFalse(error.description.contains("not-the-pass-phrase") || error.description.contains("1234"),
                           "\(testCase.name) shows a pass phrase: \(error.description)")
        }
        for testCase in try loadTable() {
            for (other, message) in messages where other != testCase.name {
                XCTAssertFalse(message.contains(testCase.expect), "the expect of \(testCase.name) also matches \(other): \(message)")
            }
        }
    }

    func testSigningCasesPassThisLayer() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        for testCase in try loadTable() where testCase.layer == "signing" {
            XCTAssertNil(try run(testCase, scratch: scratch), "\(testCase.name) must get past Configuration.parse")
        }
    }
}
