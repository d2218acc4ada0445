import COraclefnTypes
import Foundation
import OFConfig
import OFEmulator
import XCTest

@testable import OFCABI

/// The exports that deploy a function and ask about the endpoint, called as C would call them, against an
/// in-process emulator.
final class DeployExportsTests: XCTestCase {
    private static let validConfig = CABITests.fixtures.appendingPathComponent("config/valid.yaml").path

    private var emulator: Emulator?
    private var config: OpaquePointer?
    private var functions: OpaquePointer?
    private var storage: OpaquePointer?

    override func setUp() async throws {
        let trusting = try Configuration.load(path: Self.validConfig)
        let emulator = Emulator(options: EmulatorOptions(trustedKeys: try TrustedKeys.from(trusting)))
        self.emulator = emulator
        let url = "http://127.0.0.1:\(try await emulator.start())"
        config = try loadConfig(#"{"oracle_f": {"endpoint": "\#(url)"}, "oracle_oss": {"endpoint": "\#(url)"}}"#)
        XCTAssertEqual(ofnFunctionsNew(&functions, config), OFN_OK, lastMessage)
        XCTAssertEqual(ofnStorageNew(&storage, config), OFN_OK, lastMessage)
    }

    override func tearDown() async throws {
        ofnStorageFree(storage)
        ofnFunctionsFree(functions)
        ofnSessionFree(config)
        await emulator?.stop()
    }

    /// A session for the valid configuration with `overrides`; the configuration handle is freed at once, as the
    /// session keeps what it needs.
    private func loadConfig(_ overrides: String?) throws -> OpaquePointer? {
        var handle: OpaquePointer?
        let status = Self.validConfig.withCString { path in
            if let overrides { return overrides.withCString { ofnConfigLoad(&handle, path, $0) } }
            return ofnConfigLoad(&handle, path, nil)
        }
        XCTAssertEqual(status, OFN_OK, lastMessage)
        defer { ofnConfigFree(handle) }
        var session: OpaquePointer?
        XCTAssertEqual(ofnSessionNew(&session, handle), OFN_OK, lastMessage)
        return session
    }

    private var lastMessage: String {
        guard let m = ofnErrorLast().pointee.message else { return "" }
        return String(cString: m)
    }

    /// Runs an export that fills an ofn_buf and returns the status with the JSON object it wrote.
    private func object(_ call: (UnsafeMutablePointer<ofn_buf>) -> ofn_status) -> (ofn_status, [String: Any]) {
        var buf = ofn_buf(ptr: nil, size: 0)
        let status = call(&buf)
        defer { ofnBufDispose(&buf) }
        guard status == OFN_OK, let ptr = buf.ptr else { return (status, [:]) }
        let data = Data(bytes: ptr, count: buf.size)
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    private func ensureApplication(_ name: String?) -> (ofn_status, [String: Any]) {
        object { out in
            guard let name else { return ofnFunctionsEnsureApplication(out, functions, nil) }
            return name.withCString { ofnFunctionsEnsureApplication(out, functions, $0) }
        }
    }

    private func deploy(_ details: [String: Any]) throws -> (ofn_status, [String: Any]) {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: details), as: UTF8.self)
        return object { out in json.withCString { ofnFunctionsDeployFunction(out, functions, $0) } }
    }

    func testTheEmulatorIsKnownAndOCIIsNotAsked() throws {
        var emulated: Int32 = -1
        XCTAssertEqual(ofnFunctionsIsEmulator(&emulated, functions), OFN_OK, lastMessage)
        XCTAssertEqual(emulated, 1)
        XCTAssertEqual(ofnFunctionsIsEmulator(nil, functions), OFN_EINVALID)

        // without an endpoint the region's OCI endpoint is meant: no request is sent, so none can fail
        let oci = try loadConfig(nil)
        defer { ofnSessionFree(oci) }
        var ociFunctions: OpaquePointer?
        XCTAssertEqual(ofnFunctionsNew(&ociFunctions, oci), OFN_OK, lastMessage)
        defer { ofnFunctionsFree(ociFunctions) }
        XCTAssertEqual(ofnFunctionsIsEmulator(&emulated, ociFunctions), OFN_OK, lastMessage)
        XCTAssertEqual(emulated, 0)
    }

    func testTheNamespaceIsAskedOfTheServiceUnlessConfigured() throws {
        var (status, text) = namespace(storage)
        XCTAssertEqual(status, OFN_OK, lastMessage)
        XCTAssertEqual(text, EmulatorOptions(trustedKeys: [:]).namespace)

        let configured = try loadConfig(#"{"oracle": {"tenancy_namespace": "configured-ns"}}"#)
        defer { ofnSessionFree(configured) }
        var offline: OpaquePointer?
        XCTAssertEqual(ofnStorageNew(&offline, configured), OFN_OK, lastMessage)
        defer { ofnStorageFree(offline) }
        (status, text) = namespace(offline)
        XCTAssertEqual(status, OFN_OK, "no request to the region's endpoint: \(lastMessage)")
        XCTAssertEqual(text, "configured-ns")
        XCTAssertEqual(ofnStorageNamespace(nil, storage), OFN_EINVALID)
    }

    private func namespace(_ handle: OpaquePointer?) -> (ofn_status, String) {
        var buf = ofn_buf(ptr: nil, size: 0)
        let status = ofnStorageNamespace(&buf, handle)
        defer { ofnBufDispose(&buf) }
        return (status, buf.ptr.map { String(cString: $0) } ?? "")
    }

    func testEnsuringAnApplicationMakesItOnce() {
        let (made, application) = ensureApplication("cabi-app")
        XCTAssertEqual(made, OFN_OK, lastMessage)
        XCTAssertEqual(application["displayName"] as? String, "cabi-app")
        XCTAssertEqual(application["lifecycleState"] as? String, "ACTIVE")
        let (found, again) = ensureApplication("cabi-app")
        XCTAssertEqual(found, OFN_OK, lastMessage)
        XCTAssertEqual(again["id"] as? String, application["id"] as? String)
        XCTAssertEqual(ensureApplication(nil).0, OFN_EINVALID)
        XCTAssertTrue(lastMessage.contains("name must not be NULL"), lastMessage)
    }

    func testDeployingCreatesThenUpdatesTheFunction() throws {
        let applicationId = try XCTUnwrap(ensureApplication("cabi-deploy").1["id"] as? String)
        let details: [String: Any] = [
            "applicationId": applicationId, "displayName": "worker", "image": "oraclefn/echo:1", "memoryInMBs": 128,
            "timeoutInSeconds": 20, "config": ["GREETING": "hi"], "freeformTags": ["type": "test"],
        ]
        let (created, function) = try deploy(details)
        XCTAssertEqual(created, OFN_OK, lastMessage)
        XCTAssertEqual(function["lifecycleState"] as? String, "ACTIVE")
        XCTAssertEqual(function["config"] as? [String: String], ["GREETING": "hi"])
        XCTAssertEqual(function["freeformTags"] as? [String: String], ["type": "test"])
        XCTAssertEqual(function["timeoutInSeconds"] as? Int, 20)

        var changed = details
        changed["image"] = "oraclefn/echo:2"
        changed["config"] = nil
        let (updated, same) = try deploy(changed)
        XCTAssertEqual(updated, OFN_OK, lastMessage)
        XCTAssertEqual(same["id"] as? String, function["id"] as? String)
        XCTAssertEqual(same["image"] as? String, "oraclefn/echo:2")
        XCTAssertEqual(same["config"] as? [String: String], ["GREETING": "hi"], "a config not given is kept")

        var listed = ofn_buf(ptr: nil, size: 0)
        XCTAssertEqual(applicationId.withCString { ofnFunctionsListFunctions(&listed, functions, $0) }, OFN_OK)
        defer { ofnBufDispose(&listed) }
        let list = try JSONSerialization.jsonObject(with: Data(bytes: try XCTUnwrap(listed.ptr), count: listed.size)) as? [Any]
        XCTAssertEqual(list?.count, 1, "one function, made once")
    }

    func testBadDetailsAreRefusedWithWhatIsWrong() throws {
        XCTAssertEqual(try deploy(["displayName": "x", "image": "i", "memoryInMBs": 128]).0, OFN_EINVALID)
        XCTAssertTrue(lastMessage.contains("lacks \"applicationId\""), lastMessage)
        XCTAssertEqual(try deploy(["applicationId": "a", "displayName": "x", "image": "i", "memoryInMBs": "big"]).0, OFN_EINVALID)
        XCTAssertTrue(lastMessage.contains("wrong type at \"memoryInMBs\""), lastMessage)
        XCTAssertEqual(object { ofnFunctionsDeployFunction($0, functions, "[1, 2]") }.0, OFN_EINVALID)
        XCTAssertTrue(lastMessage.contains("details_json is not a JSON object"), lastMessage)
        XCTAssertEqual(object { ofnFunctionsDeployFunction($0, functions, nil) }.0, OFN_EINVALID)
        XCTAssertTrue(lastMessage.contains("details_json must not be NULL"), lastMessage)
        let (missing, _) = try deploy(["applicationId": "ocid1.fnapp.oc1..missing", "displayName": "x", "image": "oraclefn/echo", "memoryInMBs": 128])
        XCTAssertEqual(missing, OFN_ENOTFOUND, lastMessage)
    }
}
