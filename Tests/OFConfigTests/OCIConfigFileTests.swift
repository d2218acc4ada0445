@testable import OFConfig
import XCTest

final class OCIConfigFileTests: XCTestCase {
    private let text = """
        # written by oci setup config
        [DEFAULT]
        user=ocid1.user.oc1..default
        Fingerprint = aa:bb
        region: eu-madrid-1
        key_file=~/.oci/key.pem

        ; a second profile
        [DEV]
        user = ocid1.user.oc1..dev
        \tregion = us-ashburn-1\r
        [empty]
        """

    func testNamedProfileInheritsDefault() throws {
        let file = try OCIConfigFile.parse(text, path: "/c")
        XCTAssertEqual(file.profiles.map(\.name), ["DEFAULT", "DEV", "empty"])
        let dev = try file.settings(ofProfile: "DEV")
        XCTAssertEqual(dev.map(\.0), ["user", "region", "fingerprint", "key_file"])
        XCTAssertEqual(dev.map(\.1), ["ocid1.user.oc1..dev", "us-ashburn-1", "aa:bb", "~/.oci/key.pem"])
        XCTAssertEqual(try file.settings(ofProfile: "DEFAULT").count, 4)
        XCTAssertEqual(try file.settings(ofProfile: "empty").map(\.1), ["ocid1.user.oc1..default", "aa:bb", "eu-madrid-1", "~/.oci/key.pem"])
    }

    func testUnknownProfileListsTheProfiles() throws {
        let file = try OCIConfigFile.parse(text, path: "/c")
        let error = configError { () throws(ConfigError) in try file.settings(ofProfile: "PROD") }
        XCTAssertEqual(error?.key, "profile")
        XCTAssertTrue(error?.description.contains("its profiles are: DEFAULT, DEV, empty") == true, error?.description ?? "")
        let none = configError { () throws(ConfigError) in try OCIConfigFile.parse("# empty\n", path: "/c").settings(ofProfile: "DEFAULT") }
        XCTAssertTrue(none?.description.contains("it has no profiles at all") == true, none?.description ?? "")
    }

    func testBrokenFilesGiveTheLine() {
        func brokenMessage(_ text: String) -> String {
            configError { () throws(ConfigError) in try OCIConfigFile.parse(text, path: "/c") }?.description ?? ""
        }
        XCTAssertTrue(brokenMessage("[DEFAULT]\n[DEFAULT]\n").contains("line 2: the profile [DEFAULT] appears twice"))
        XCTAssertTrue(brokenMessage("[DEFAULT]\na=1\nA=2\n").contains("line 3: the key \"a\" appears twice in [DEFAULT]"))
        XCTAssertTrue(brokenMessage("[DEFAULT\n").contains("line 1: \"[DEFAULT\" is not a complete [PROFILE] header"))
        XCTAssertTrue(brokenMessage("[]\n").contains("is not a complete [PROFILE] header"))
        XCTAssertTrue(brokenMessage("[DEFAULT]\n=value\n").contains("line 2: a line has a value but no key"))
    }
}
