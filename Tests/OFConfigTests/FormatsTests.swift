@testable import OFConfig
import XCTest

final class FormatsTests: XCTestCase {
    func testOCIDs() {
        XCTAssertNil(Formats.ocidProblem("ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq", types: ["tenancy"]))
        XCTAssertNil(Formats.ocidProblem("ocid1.subnet.oc1.iad.aaaaaaaa", types: ["subnet"]))
        XCTAssertNil(Formats.ocidProblem("ocid1.subnet.oc1.eu-madrid-1.future.aaaaaaaa", types: ["subnet"]))
        XCTAssertNil(Formats.ocidProblem("ocid1.compartment.oc22..aaaa", types: ["compartment"]))
        XCTAssertEqual(Formats.ocidProblem("ocid1.vcn.oc1.iad.aaaa", types: ["subnet"]), .wrongType(found: "vcn"))
        for bad in ["", "ocid1.user.oc1.aaaa", "ocid1.user.oc1..", "OCID1.user.oc1..aaaa", "ocid1.User.oc1..aaaa",
                    "ocid.user.oc1..aaaa", "ocid1.user.1..aaaa", "ocid1.user.oc..aaaa", "ocid1.user.oc1..AAAA",
                    "ocid1..oc1..aaaa", "ocid1.user.oc1.eu_madrid.aaaa", "ocidx.user.oc1..aaaa"] {
            XCTAssertEqual(Formats.ocidProblem(bad, types: ["user"]), .malformed, bad)
        }
    }

    func testRegions() {
        for good in ["eu-madrid-1", "us-ashburn-1", "us-gov-ashburn-1", "ap-sydney-2"] {
            XCTAssertNil(Formats.regionProblem(good), good)
        }
        XCTAssertEqual(Formats.regionProblem("US-Ashburn-1"), .uppercase(suggestion: "us-ashburn-1"))
        XCTAssertEqual(Formats.regionProblem("iad"), .shortKey)
        XCTAssertEqual(Formats.regionProblem("IAD"), .shortKey)
        for bad in ["", "madrid", "eu-madrid", "eu--1", "eu-madrid-1a", "eu_madrid_1", "eu-madrid-", "1-eu-madrid"] {
            XCTAssertEqual(Formats.regionProblem(bad), .malformed, bad)
        }
    }

    func testFingerprints() {
        XCTAssertNil(Formats.fingerprintProblem("82:ce:c5:77:08:2b:aa:cc:b5:f5:99:fb:4a:13:96:0d"))
        XCTAssertEqual(Formats.fingerprintProblem("82:CE:c5:77:08:2b:aa:cc:b5:f5:99:fb:4a:13:96:0D"),
                       .uppercase(suggestion: "82:ce:c5:77:08:2b:aa:cc:b5:f5:99:fb:4a:13:96:0d"))
        for bad in ["", "82:ce", "82ce:c5:77:08:2b:aa:cc:b5:f5:99:fb:4a:13:96:0d", "82:ce:c5:77:08:2b:aa:cc:b5:f5:99:fb:4a:13:96:0g",
                    "82:ce:c5:77:08:2b:aa:cc:b5:f5:99:fb:4a:13:96:0d:00", "82-ce-c5-77-08-2b-aa-cc-b5-f5-99-fb-4a-13-96-0d"] {
            XCTAssertEqual(Formats.fingerprintProblem(bad), .malformed, bad)
        }
    }

    func testEndpoints() {
        let good = [
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"), ("https://proxy.example.com/", "https://proxy.example.com"),
            ("HTTP://localhost:1", "http://localhost:1"), ("http://[::1]:65535", "http://[::1]:65535"), ("https://[::1]", "https://[::1]"),
        ]
        for (input, normalized) in good {
            XCTAssertEqual(try Formats.normalizedEndpoint(input).get(), normalized, input)
        }
        let bad: [(String, Formats.EndpointProblem)] = [
            ("127.0.0.1:8080", .scheme), ("ftp://host", .scheme), ("http://host/path", .path), ("http://host?x=1", .queryOrFragment),
            ("http://host#f", .queryOrFragment), ("http://user@host", .userInfo), ("http://", .host), ("http://:80", .host),
            ("http://ho st", .host), ("http://[::1", .host), ("http://[::1]x", .host), ("http://host:", .port),
            ("http://host:0", .port), ("http://host:65536", .port), ("http://host:8a", .port), ("http://host:000080", .port),
        ]
        for (input, problem) in bad {
            guard case .failure(let found) = Formats.normalizedEndpoint(input) else {
                XCTFail("\(input) should be refused")
                continue
            }
            XCTAssertEqual(found, problem, input)
        }
    }

    func testPaths() {
        XCTAssertEqual(Paths.absolute("~/.oci/key.pem", base: "/work", home: "/home/u"), "/home/u/.oci/key.pem")
        XCTAssertEqual(Paths.absolute("~", base: "/work", home: "/home/u"), "/home/u")
        XCTAssertEqual(Paths.absolute("~other/key", base: "/work", home: "/home/u"), "/work/~other/key")
        XCTAssertEqual(Paths.absolute("keys/../k.pem", base: "/work/conf/", home: nil), "/work/conf/k.pem")
        XCTAssertEqual(Paths.absolute("/a/./b//c/..", base: "/x", home: nil), "/a/b")
        XCTAssertEqual(Paths.absolute("../../..", base: "/a", home: nil), "/")
        XCTAssertEqual(Paths.directory(of: "/a/b/c.yaml"), "/a/b")
        XCTAssertEqual(Paths.directory(of: "/c.yaml"), "/")
    }

    func testMasking() {
        for secret in ["pass_phrase", "key_content", "docker_password", "auth_token", "security_token_file", "client_secret", "PASS_PHRASE"] {
            XCTAssertTrue(Masking.isSecret(secret), secret)
        }
        for plain in ["user", "key_file", "fingerprint", "passes"] {
            XCTAssertFalse(Masking.isSecret(plain), plain)
        }
        let value = ConfigValue.map([("s", .list([.map([("token", .string("t")), ("pass_phrase", .null)])]))])
        XCTAssertEqual(Masking.masked(value), .map([("s", .list([.map([("token", .string("********")), ("pass_phrase", .null)])]))]))
    }
}
