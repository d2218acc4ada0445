import COraclefnTypes
import Foundation
import XCTest

@testable import OFCABI

/// The exports, called as C would call them.
final class CABITests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    private var lastMessage: String {
        guard let m = ofnErrorLast().pointee.message else { return "" }
        return String(cString: m)
    }

    private func fill(_ text: String, ini: String) -> String {
        text.replacingOccurrences(of: "{KEYS}", with: Self.fixtures.appendingPathComponent("keys").path)
            .replacingOccurrences(of: "{FIXTURES}", with: Self.fixtures.path)
            .replacingOccurrences(of: "{INI}", with: ini)
    }

    func testEveryBadConfigurationGivesItsOwnError() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("config/bad-configs.json"))
        let json = try JSONSerialization.jsonObject(with: data)
        let cases = (json as? [[String: Any]]) ?? ((json as? [String: Any])?["cases"] as? [[String: Any]]) ?? []
        XCTAssertGreaterThanOrEqual(cases.count, 25)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ofn-cabi-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var messages: [String: String] = [:]
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let ini = dir.appendingPathComponent("oci_config")
            if let text = c["ini"] as? String { try text.write(to: ini, atomically: true, encoding: .utf8) }
            let path = dir.appendingPathComponent("config.yaml")
            try fill(c["yaml"] as? String ?? "", ini: ini.path).write(to: path, atomically: true, encoding: .utf8)
            var handle: OpaquePointer?
            let status = path.path.withCString { ofnConfigLoad(&handle, $0, nil) }
            XCTAssertTrue(status == OFN_ECONFIG || status == OFN_EKEY, "\(name): status \(status.rawValue)")
            XCTAssertNil(handle, name)
            let expect = c["expect"] as? String ?? "<missing expect>"
            XCTAssertTrue(lastMessage.contains(expect), "\(name): '\(lastMessage)' lacks '\(expect)'")
            if let other = messages[lastMessage] { XCTFail("\(name) and \(other) give the same message") }
            messages[lastMessage] = name
            try? FileManager.default.removeItem(at: ini)
        }
    }

    func testNullAndForeignHandlesAreRefused() {
        var buf = ofn_buf(ptr: nil, size: 0)
        XCTAssertEqual(ofnConfigToJSON(&buf, nil), OFN_EINVALID)
        XCTAssertTrue(lastMessage.contains("must not be NULL"))
        var local = 0
        let foreign = withUnsafeMutablePointer(to: &local) { OpaquePointer($0) }
        XCTAssertEqual(ofnConfigToJSON(&buf, foreign), OFN_EINVALID)
        XCTAssertTrue(lastMessage.contains("not a live handle"))
        ofnConfigFree(foreign)  // ignored, not a crash
        XCTAssertNil(buf.ptr)
    }

    func testAHandleOfAnotherKindIsRefused() throws {
        var signer: OpaquePointer?
        let key = Self.fixtures.appendingPathComponent("vectors/test2048_private_pkcs8.pem").path
        XCTAssertEqual(key.withCString { ofnSignerNew(&signer, $0, "t/u/f", nil) }, OFN_OK)
        defer { ofnSignerFree(signer) }
        var buf = ofn_buf(ptr: nil, size: 0)
        XCTAssertEqual(ofnConfigToJSON(&buf, signer), OFN_EINVALID)
        XCTAssertTrue(lastMessage.contains("another kind"), lastMessage)
    }

    func testSuccessClearsTheLastError() {
        var buf = ofn_buf(ptr: nil, size: 0)
        XCTAssertEqual(ofnConfigToJSON(&buf, nil), OFN_EINVALID)
        XCTAssertEqual(ofnErrorLast().pointee.status, OFN_EINVALID)
        var signer: OpaquePointer?
        let key = Self.fixtures.appendingPathComponent("vectors/test2048_private_pkcs8.pem").path
        XCTAssertEqual(key.withCString { ofnSignerNew(&signer, $0, "t/u/f", nil) }, OFN_OK)
        XCTAssertEqual(ofnErrorLast().pointee.status, OFN_OK, "never NULL: a record saying there is no error")
        XCTAssertEqual(ofnErrorLast().pointee.message.map { String(cString: $0) }, "")
        ofnSignerFree(signer)
    }

    func testStatusStringsAreStaticAndDistinct() {
        var seen = Set<String>()
        for raw in Int32(-15)...0 {
            let s = String(cString: ofnStatusStr(ofn_status(rawValue: raw)))
            XCTAssertFalse(seen.contains(s), s)
            seen.insert(s)
        }
        XCTAssertEqual(String(cString: ofnStatusStr(ofn_status(rawValue: -99))), "unknown status")
    }
}
