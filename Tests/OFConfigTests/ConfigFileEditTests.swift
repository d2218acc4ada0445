import OFConfig
import XCTest

final class ConfigFileEditTests: XCTestCase {
    private let keys = [(key: "log_group_id", value: "ocid1.loggroup.oc1..g"), (key: "log_id", value: "ocid1.log.oc1..l")]

    func testAddsMissingKeysAtTheEndOfTheSectionAndKeepsEverythingElse() throws {
        let text = "lithops:\n  backend: oracle_f\n# the functions\noracle_f:\n    subnet_id: s # mine\n\n    # a comment\noracle_oss:\n  storage_bucket: b\n"
        let edited = try ConfigFileEdit.setting(keys, section: "oracle_f", in: text)
        XCTAssertEqual(edited, "lithops:\n  backend: oracle_f\n# the functions\noracle_f:\n    subnet_id: s # mine\n\n    # a comment\n    log_group_id: ocid1.loggroup.oc1..g\n    log_id: ocid1.log.oc1..l\noracle_oss:\n  storage_bucket: b\n")
    }

    func testReplacesKeysThatAreThereAndAddsAMissingSection() throws {
        let text = "oracle_f:\n  log_id: old\n  log_group_id: \"old\"\n  subnet_id: s"
        XCTAssertEqual(try ConfigFileEdit.setting(keys, section: "oracle_f", in: text),
                       "oracle_f:\n  log_id: ocid1.log.oc1..l\n  log_group_id: ocid1.loggroup.oc1..g\n  subnet_id: s\n")
        XCTAssertEqual(try ConfigFileEdit.setting(keys, section: "oracle_f", in: "lithops:\n  backend: oracle_f\n"),
                       "lithops:\n  backend: oracle_f\noracle_f:\n  log_group_id: ocid1.loggroup.oc1..g\n  log_id: ocid1.log.oc1..l\n")
    }

    func testRefusesWhatItCannotEditSafely() {
        XCTAssertThrowsError(try ConfigFileEdit.setting(keys, section: "oracle_f", in: "oracle_f: {subnet_id: s}\n")) { error in
            XCTAssertTrue("\(error)".contains("written on one line"), "\(error)")
        }
        XCTAssertThrowsError(try ConfigFileEdit.setting([("log_id", "a b: c")], section: "oracle_f", in: "oracle_f:\n  x: 1\n")) { error in
            XCTAssertTrue("\(error)".contains("cannot be written as a plain YAML scalar"), "\(error)")
        }
    }
}
