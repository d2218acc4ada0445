import Foundation
import XCTest

@testable import OFEmulator

/// The Functions management store: validation, conflicts, etags, filters, order and the invoke-side record.
final class FunctionStoreTests: XCTestCase {
    private let compartment = "ocid1.compartment.oc1..aaaa"

    func testCreatedApplicationIsActiveAndCanBeRead() async throws {
        let store = FunctionStore()
        let (created, etag) = try await store.createApplication(app("one", config: ["A": "1"]))
        XCTAssertEqual(created.lifecycleState, .active)
        XCTAssertTrue(created.id.hasPrefix("ocid1.fnapp.oc1."))
        let (read, readEtag) = try await store.application(id: created.id)
        XCTAssertEqual(read, created)
        XCTAssertEqual(readEtag, etag)
    }

    func testApplicationNeedsCompartmentNameAndSubnets() async {
        let store = FunctionStore()
        var details = app("x")
        details.subnetIds = []
        await assertOCIError(try await store.createApplication(details), status: 400, code: "MissingParameter", mentions: "subnetIds")
        details = app("x")
        details.compartmentId = nil
        await assertOCIError(try await store.createApplication(details), status: 400, code: "MissingParameter", mentions: "compartmentId")
    }

    func testDuplicateApplicationNameInACompartmentConflicts() async throws {
        let store = FunctionStore()
        _ = try await store.createApplication(app("same"))
        await assertOCIError(try await store.createApplication(app("same")), status: 409, code: "Conflict", mentions: "same")
        var elsewhere = app("same")
        elsewhere.compartmentId = "ocid1.compartment.oc1..bbbb"
        _ = try await store.createApplication(elsewhere)
    }

    func testBadConfigKeysAndOversizedConfigAreRefused() async {
        let store = FunctionStore()
        await assertOCIError(try await store.createApplication(app("a", config: ["1ABC": "x"])), status: 400, code: "InvalidParameter", mentions: "1ABC")
        await assertOCIError(try await store.createApplication(app("a", config: ["A-B": "x"])), status: 400, code: "InvalidParameter", mentions: "A-B")
        await assertOCIError(try await store.createApplication(app("a", config: ["BIG": String(repeating: "x", count: 4100)])), status: 400, code: "InvalidParameter", mentions: "4096")
    }

    func testFunctionValidation() async throws {
        let store = FunctionStore()
        let application = try await store.createApplication(app("a")).0
        await assertOCIError(try await store.createFunction(function("f", application.id, memory: 100)), status: 400, code: "InvalidParameter", mentions: "memoryInMBs")
        await assertOCIError(try await store.createFunction(function("f", application.id, timeout: 301)), status: 400, code: "InvalidParameter", mentions: "timeoutInSeconds")
        await assertOCIError(try await store.createFunction(function("f", application.id, image: nil)), status: 400, code: "MissingParameter", mentions: "image")
        await assertOCIError(try await store.createFunction(function("f", "ocid1.fnapp.oc1.local.missing")), status: 404, code: "NotAuthorizedOrNotFound", mentions: "missing")
    }

    func testFunctionTakesTheImageFromEitherApiVersion() async throws {
        let store = FunctionStore()
        let application = try await store.createApplication(app("a")).0
        var newer = function("new", application.id, image: nil)
        newer.sourceDetails = FunctionSourceDetails(sourceType: "CONTAINER_IMAGE", image: "ns/repo/new:1", imageDigest: "sha256:1")
        let created = try await store.createFunction(newer).0
        XCTAssertEqual(created.image, "ns/repo/new:1")
        XCTAssertEqual(created.imageDigest, "sha256:1")
        XCTAssertEqual(created.sourceDetails.image, "ns/repo/new:1")
        XCTAssertEqual(created.timeoutInSeconds, 30, "OCI's default timeout")
        let older = try await store.createFunction(function("old", application.id, image: "ns/repo/old:2")).0
        XCTAssertEqual(older.sourceDetails, FunctionSourceDetails(sourceType: "CONTAINER_IMAGE", image: "ns/repo/old:2", imageDigest: nil))
    }

    func testDuplicateFunctionNameInAnApplicationConflicts() async throws {
        let store = FunctionStore()
        let first = try await store.createApplication(app("a")).0
        let second = try await store.createApplication(app("b")).0
        _ = try await store.createFunction(function("f", first.id))
        await assertOCIError(try await store.createFunction(function("f", first.id)), status: 409, code: "Conflict", mentions: "'f'")
        _ = try await store.createFunction(function("f", second.id))
    }

    func testRecordMergesApplicationConfigUnderTheFunctions() async throws {
        let store = FunctionStore(invokeEndpoint: "http://127.0.0.1:1")
        let application = try await store.createApplication(app("app", config: ["SHARED": "app", "APP_ONLY": "1"])).0
        var details = function("fn", application.id, memory: 512, timeout: 60)
        details.config = ["SHARED": "fn", "FN_ONLY": "2"]
        details.detachedModeTimeoutInSeconds = 600
        let created = try await store.createFunction(details).0
        XCTAssertEqual(created.invokeEndpoint, "http://127.0.0.1:1")
        let found = await store.function(id: created.id)
        let record = try XCTUnwrap(found)
        XCTAssertEqual(record.config, ["SHARED": "fn", "APP_ONLY": "1", "FN_ONLY": "2"])
        XCTAssertEqual(record.applicationName, "app")
        XCTAssertEqual(record.memoryInMBs, 512)
        XCTAssertEqual(record.timeoutInSeconds, 60)
        XCTAssertEqual(record.detachedModeTimeoutInSeconds, 600)
        _ = try await store.updateApplication(id: application.id, UpdateApplicationDetails(config: ["SHARED": "app2", "NEW": "3"]), ifMatch: nil)
        let foundUpdated = await store.function(id: created.id)
        let updated = try XCTUnwrap(foundUpdated)
        XCTAssertEqual(updated.config, ["SHARED": "fn", "NEW": "3", "FN_ONLY": "2"])
        let missing = await store.function(id: "ocid1.fnfunc.oc1.local.none")
        XCTAssertNil(missing)
    }

    func testDetachedTimeoutDefaultsToTheTimeout() async throws {
        let store = FunctionStore()
        let application = try await store.createApplication(app("a")).0
        let created = try await store.createFunction(function("f", application.id, timeout: 45)).0
        let found = await store.function(id: created.id)
        let record = try XCTUnwrap(found)
        XCTAssertEqual(record.detachedModeTimeoutInSeconds, 45)
    }

    func testUpdateChecksIfMatchAndChangesTheEtag() async throws {
        let store = FunctionStore()
        let application = try await store.createApplication(app("a")).0
        let (created, etag) = try await store.createFunction(function("f", application.id))
        var details = UpdateFunctionDetails()
        details.memoryInMBs = 1024
        await assertOCIError(try await store.updateFunction(id: created.id, details, ifMatch: "stale"), status: 412, code: "NoEtagMatch", mentions: "etag")
        let memory = try await store.functionResource(id: created.id).0.memoryInMBs
        XCTAssertEqual(memory, 128, "a refused update changes nothing")
        let (updated, newEtag) = try await store.updateFunction(id: created.id, details, ifMatch: etag)
        XCTAssertEqual(updated.memoryInMBs, 1024)
        XCTAssertNotEqual(newEtag, etag)
        details.memoryInMBs = 7
        await assertOCIError(try await store.updateFunction(id: created.id, details, ifMatch: nil), status: 400, code: "InvalidParameter", mentions: "memoryInMBs")
    }

    func testApplicationWithFunctionsCannotBeDeleted() async throws {
        let store = FunctionStore()
        let application = try await store.createApplication(app("a")).0
        let created = try await store.createFunction(function("f", application.id)).0
        await assertOCIError(try await store.deleteApplication(id: application.id, ifMatch: nil), status: 409, code: "Conflict", mentions: "function")
        try await store.deleteFunction(id: created.id, ifMatch: nil)
        await assertOCIError(try await store.functionResource(id: created.id), status: 404, code: "NotAuthorizedOrNotFound", mentions: created.id)
        try await store.deleteApplication(id: application.id, ifMatch: nil)
        await assertOCIError(try await store.application(id: application.id), status: 404, code: "NotAuthorizedOrNotFound", mentions: application.id)
    }

    func testListFiltersAndOrders() async throws {
        var now = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = Clock(now)
        let store = FunctionStore(clock: { clock.now })
        for name in ["b", "c", "a"] {
            _ = try await store.createApplication(app(name))
            now += 1
            clock.now = now
        }
        var other = app("z")
        other.compartmentId = "ocid1.compartment.oc1..other"
        _ = try await store.createApplication(other)

        let newestFirst = await store.listApplications(compartmentId: compartment, criteria: try ListCriteria(query: [:]))
        XCTAssertEqual(newestFirst.map(\.displayName), ["a", "c", "b"], "timeCreated is newest first by default")
        let byName = await store.listApplications(compartmentId: compartment, criteria: try ListCriteria(query: ["sortBy": "displayName"]))
        XCTAssertEqual(byName.map(\.displayName), ["a", "b", "c"], "names are A to Z by default")
        let byNameDescending = await store.listApplications(compartmentId: compartment, criteria: try ListCriteria(query: ["sortBy": "displayName", "sortOrder": "DESC"]))
        XCTAssertEqual(byNameDescending.map(\.displayName), ["c", "b", "a"])
        let named = await store.listApplications(compartmentId: compartment, criteria: try ListCriteria(query: ["displayName": "c", "lifecycleState": "ACTIVE"]))
        XCTAssertEqual(named.map(\.displayName), ["c"])
        let deleted = await store.listApplications(compartmentId: compartment, criteria: try ListCriteria(query: ["lifecycleState": "DELETED"]))
        XCTAssertEqual(deleted, [])
        XCTAssertThrowsError(try ListCriteria(query: ["lifecycleState": "GONE"]))
        XCTAssertThrowsError(try ListCriteria(query: ["sortBy": "size"]))
        XCTAssertThrowsError(try ListCriteria(query: ["sortOrder": "UP"]))
    }

    func testInvokeEndpointFollowsTheBoundAddress() async throws {
        let store = FunctionStore()
        let application = try await store.createApplication(app("a")).0
        let created = try await store.createFunction(function("f", application.id)).0
        await store.setInvokeEndpoint("http://127.0.0.1:4242")
        let endpoint = try await store.functionResource(id: created.id).0.invokeEndpoint
        XCTAssertEqual(endpoint, "http://127.0.0.1:4242")
    }

    // MARK: Helpers

    private final class Clock: @unchecked Sendable {
        var now: Date
        init(_ now: Date) { self.now = now }
    }

    private func app(_ name: String, config: [String: String]? = nil) -> CreateApplicationDetails {
        CreateApplicationDetails(compartmentId: compartment, displayName: name, subnetIds: ["ocid1.subnet.oc1.iad.aaaa"], config: config)
    }

    private func function(_ name: String, _ applicationId: String, memory: Int = 128, timeout: Int? = nil, image: String? = "oraclefn/echo:1") -> CreateFunctionDetails {
        CreateFunctionDetails(displayName: name, applicationId: applicationId, memoryInMBs: memory, image: image, timeoutInSeconds: timeout)
    }
}

/// Asserts that `expression` throws the OCIError with this status and code, whose message mentions `text`.
func assertOCIError<T>(
    _ expression: @autoclosure () async throws -> T, status: Int, code: String, mentions text: String,
    file: StaticString = #filePath, line: UInt = #line
) async {
    do {
        _ = try await expression()
        XCTFail("expected \(status) \(code), got a result", file: file, line: line)
    } catch let error as OCIError {
        XCTAssertEqual(error.status.code, status, error.message, file: file, line: line)
        XCTAssertEqual(error.code, code, error.message, file: file, line: line)
        XCTAssertTrue(error.message.contains(text), "\(error.message) does not mention \(text)", file: file, line: line)
    } catch {
        XCTFail("expected an OCIError, got \(error)", file: file, line: line)
    }
}
