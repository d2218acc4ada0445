import Foundation
import OFLocking
import XCTest

@testable import OFEmulator

/// The store beyond put/get/delete: pre-authenticated requests (with a clock the test moves), rename, copy,
/// storage tiers, lifecycle policies and namespace metadata, and how the state directory keeps them.
final class ObjectStoreActionsTests: XCTestCase {
    private let ns = "testns"
    private let compartment = "ocid1.compartment.oc1..aaaa"

    /// A clock that stands still until the test moves it.
    private final class TestClock: Sendable {
        private let now = Locked(Date(timeIntervalSince1970: 1_800_000_000))
        func read() -> Date { self.now.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { self.now.withLock { $0 += seconds } }
    }

    func testPreauthenticatedRequestWorksUntilItExpiresAndNotAfterDeletion() async throws {
        let clock = TestClock()
        let store = try await self.storeWithBucket(clock: clock.read)
        let expires = Identifiers.timestamp(clock.read().addingTimeInterval(60))
        let created = try await store.createPreauthenticatedRequest(
            namespace: ns, bucket: "b",
            CreatePreauthenticatedRequestDetails(name: "share", objectName: "dir/a b", accessType: "ObjectReadWrite", timeExpires: expires),
            baseURL: "http://127.0.0.1:1")
        let accessUri = try XCTUnwrap(created.accessUri)
        XCTAssertEqual(created.fullPath, "http://127.0.0.1:1" + accessUri)
        XCTAssertTrue(accessUri.hasSuffix("/n/testns/b/b/o/dir/a%20b"), accessUri)
        let path = try PreauthenticatedPath(path: accessUri)
        XCTAssertEqual(path.object, "dir/a b")

        let grant = try await store.authorize(path, write: true)
        XCTAssertEqual(grant.id, created.id)
        let otherObject = try PreauthenticatedPath(path: accessUri.replacingOccurrences(of: "a%20b", with: "c"))
        await assertOCIError(try await store.authorize(otherObject, write: false), status: 404, code: "NotAuthorizedOrNotFound", mentions: "pre-authenticated")
        await assertOCIError(try await store.authorize(try PreauthenticatedPath(path: accessUri.replacingOccurrences(of: "/n/testns/b/b/o/dir/a%20b", with: "/n/testns/b/b/o/")), write: false),
                             status: 404, code: "NotAuthorizedOrNotFound", mentions: "expired")

        clock.advance(59)
        _ = try await store.authorize(path, write: false)
        clock.advance(1)
        await assertOCIError(try await store.authorize(path, write: false), status: 404, code: "NotAuthorizedOrNotFound", mentions: "expired")
        // still listed and readable after expiry, as OCI keeps them until deleted
        let listedIds = try await store.listPreauthenticatedRequests(namespace: ns, bucket: "b", objectNamePrefix: "dir/").map(\.id)
        XCTAssertEqual(listedIds, [created.id])

        try await store.deletePreauthenticatedRequest(namespace: ns, bucket: "b", id: created.id)
        await assertOCIError(try await store.preauthenticatedRequest(namespace: ns, bucket: "b", id: created.id), status: 404, code: "NotFound", mentions: created.id)
    }

    func testPreauthenticatedRequestDetailsAreChecked() async throws {
        let clock = TestClock()
        let store = try await self.storeWithBucket(clock: clock.read)
        let later = Identifiers.timestamp(clock.read().addingTimeInterval(60))
        let cases: [(CreatePreauthenticatedRequestDetails, String)] = [
            (.init(objectName: "o", accessType: "ObjectRead", timeExpires: later), "name"),
            (.init(name: "n", objectName: "o", accessType: "Everything", timeExpires: later), "Everything"),
            (.init(name: "n", objectName: "o", accessType: "ObjectRead", timeExpires: "tomorrow"), "tomorrow"),
            (.init(name: "n", objectName: "o", accessType: "ObjectRead", timeExpires: Identifiers.timestamp(clock.read())), "future"),
            (.init(name: "n", accessType: "ObjectWrite", timeExpires: later), "objectName"),
            (.init(name: "n", bucketListingAction: "ListObjects", accessType: "AnyObjectWrite", timeExpires: later), "ListObjects"),
        ]
        for (details, mention) in cases {
            do {
                _ = try await store.createPreauthenticatedRequest(namespace: ns, bucket: "b", details, baseURL: "")
                XCTFail("\(details) was accepted")
            } catch {
                XCTAssertEqual(error.status.code, 400, error.message)
                XCTAssertTrue(error.message.contains(mention), "\(error.message) does not mention \(mention)")
            }
        }
        let listed = try await store.listPreauthenticatedRequests(namespace: ns, bucket: "b", objectNamePrefix: nil)
        XCTAssertEqual(listed, [])
    }

    func testPreauthenticatedPathsOtherThanObjectURLsAreNotFound() {
        for path in ["/p/", "/p/token", "/p/token/n/ns/b", "/p/token/n/ns/x/b/o/a", "/p//n/ns/b/b/o/a", "/p/token/n/ns/b/b/u/a"] {
            XCTAssertThrowsError(try PreauthenticatedPath(path: path), path)
        }
        XCTAssertEqual(try PreauthenticatedPath(path: "/p/t/n/ns/b/bk/o").object, "")
        XCTAssertEqual(try PreauthenticatedPath(path: "/p/t/n/ns/b/bk/o/a%2Fb/c").object, "a/b/c")
    }

    func testRenameCopyAndTierChanges() async throws {
        let store = try await self.storeWithBucket()
        let original = try await store.putObject(
            namespace: ns, bucket: "b", object: "src", bytes: Array("body".utf8),
            properties: ObjectProperties(contentType: "text/plain", metadata: ["k": "v"], storageTier: .infrequentAccess),
            contentMD5: nil, ifMatch: nil, ifNoneMatch: nil)
        let renamed = try await store.renameObject(namespace: ns, bucket: "b", RenameObjectDetails(sourceName: "src", newName: "dst"))
        XCTAssertNotEqual(renamed.etag, original.etag)
        XCTAssertEqual([renamed.metadata, renamed.contentType, renamed.tier] as [AnyHashable], [["k": "v"], "text/plain", StorageTier.infrequentAccess])
        await assertOCIError(try await store.objectInfo(namespace: ns, bucket: "b", object: "src"), status: 404, code: "ObjectNotFound", mentions: "src")

        let request = try await store.copyObject(namespace: ns, bucket: "b", CopyObjectDetails(
            sourceObjectName: "dst", destinationRegion: "anywhere", destinationNamespace: ns, destinationBucket: "b", destinationObjectName: "copy"))
        let kept = try await store.workRequest(id: request.id)
        XCTAssertEqual(kept, request)
        let copy = try await store.objectInfo(namespace: ns, bucket: "b", object: "copy")
        XCTAssertEqual([copy.metadata, copy.tier] as [AnyHashable], [["k": "v"], StorageTier.standard])  // the bucket's tier
        await assertOCIError(
            try await store.copyObject(namespace: ns, bucket: "b", CopyObjectDetails(
                sourceObjectName: "dst", destinationRegion: "r", destinationNamespace: "elsewhere", destinationBucket: "b", destinationObjectName: "c")),
            status: 404, code: "NamespaceNotFound", mentions: "elsewhere")

        try await store.updateStorageTier(namespace: ns, bucket: "b", UpdateObjectStorageTierDetails(objectName: "copy", storageTier: "InfrequentAccess"))
        let moved = try await store.objectInfo(namespace: ns, bucket: "b", object: "copy")
        XCTAssertEqual(moved.tier, .infrequentAccess)
        await assertOCIError(
            try await store.updateStorageTier(namespace: ns, bucket: "b", UpdateObjectStorageTierDetails(objectName: "copy", storageTier: "Archive")),
            status: 400, code: "InvalidParameter", mentions: "Archive")
    }

    func testStateDirectoryKeepsRequestsPoliciesSettingsAndTiers() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ofn-state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let expires = Identifiers.timestamp(Date().addingTimeInterval(3600))
        let accessUri: String
        do {
            let store = try ObjectStore(namespace: ns, tenancy: "ocid1.tenancy.oc1..t", disk: ObjectStateDirectory(stateDirectory: directory))
            _ = try await store.createBucket(namespace: ns, CreateBucketDetails(name: "b", compartmentId: compartment), createdBy: "")
            _ = try await store.putObject(
                namespace: ns, bucket: "b", object: "o", bytes: [1, 2], properties: ObjectProperties(storageTier: .infrequentAccess),
                contentMD5: nil, ifMatch: nil, ifNoneMatch: nil)
            _ = try await store.renameObject(namespace: ns, bucket: "b", RenameObjectDetails(sourceName: "o", newName: "renamed"))
            accessUri = try await store.createPreauthenticatedRequest(
                namespace: ns, bucket: "b", CreatePreauthenticatedRequestDetails(name: "p", objectName: "renamed", accessType: "ObjectRead", timeExpires: expires),
                baseURL: "").accessUri ?? ""
            let removed = try await store.createPreauthenticatedRequest(
                namespace: ns, bucket: "b", CreatePreauthenticatedRequestDetails(name: "q", accessType: "AnyObjectRead", timeExpires: expires), baseURL: "")
            try await store.deletePreauthenticatedRequest(namespace: ns, bucket: "b", id: removed.id)
            let rule = ObjectLifecycleRule(name: "r", action: "DELETE", timeAmount: 1, timeUnit: "DAYS", isEnabled: true)
            _ = try await store.putLifecyclePolicy(namespace: ns, bucket: "b", PutObjectLifecyclePolicyDetails(items: [rule]), ifMatch: nil, ifNoneMatch: nil)
            _ = try await store.updateBucket(namespace: ns, name: "b", UpdateBucketDetails(metadata: ["m": "1"]), ifMatch: nil)
            _ = try await store.updateNamespaceMetadata(namespace: ns, UpdateNamespaceMetadataDetails(defaultSwiftCompartmentId: compartment))
        }
        let reopened = try ObjectStore(namespace: ns, tenancy: "ocid1.tenancy.oc1..t", disk: ObjectStateDirectory(stateDirectory: directory))
        _ = try await reopened.authorize(try PreauthenticatedPath(path: accessUri), write: false)
        let requestNames = try await reopened.listPreauthenticatedRequests(namespace: ns, bucket: "b", objectNamePrefix: nil).map(\.name)
        XCTAssertEqual(requestNames, ["p"])
        let renamed = try await reopened.objectInfo(namespace: ns, bucket: "b", object: "renamed")
        XCTAssertEqual(renamed.tier, .infrequentAccess)
        await assertOCIError(try await reopened.objectInfo(namespace: ns, bucket: "b", object: "o"), status: 404, code: "ObjectNotFound", mentions: "o")
        let (policy, etag) = try await reopened.lifecyclePolicy(namespace: ns, bucket: "b")
        XCTAssertEqual(policy.items.map(\.name), ["r"])
        let bucket = try await reopened.bucket(namespace: ns, name: "b", approximateTotals: true)
        XCTAssertEqual([bucket.metadata, bucket.objectLifecyclePolicyEtag, bucket.approximateCount, bucket.approximateSize] as [AnyHashable?], [["m": "1"], etag, 1, 2])
        let metadata = try await reopened.namespaceMetadata(namespace: ns)
        XCTAssertEqual(metadata, NamespaceMetadata(namespace: ns, defaultS3CompartmentId: "ocid1.tenancy.oc1..t", defaultSwiftCompartmentId: compartment))

        try await reopened.deleteLifecyclePolicy(namespace: ns, bucket: "b", ifMatch: etag)
        let again = try ObjectStore(namespace: ns, disk: ObjectStateDirectory(stateDirectory: directory))
        await assertOCIError(try await again.lifecyclePolicy(namespace: ns, bucket: "b"), status: 404, code: "LifecyclePolicyNotFound", mentions: "'b'")
    }

    private func storeWithBucket(clock: @escaping @Sendable () -> Date = Date.init) async throws -> ObjectStore {
        let store = try ObjectStore(namespace: ns, clock: clock)
        _ = try await store.createBucket(namespace: ns, CreateBucketDetails(name: "b", compartmentId: compartment), createdBy: "")
        return store
    }
}
