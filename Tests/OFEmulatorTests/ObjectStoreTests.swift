import Foundation
import XCTest

@testable import OFEmulator

/// Object Storage's store: buckets, objects, conditions, multipart uploads and the state directory.
final class ObjectStoreTests: XCTestCase {
    private let ns = "testns"
    private let compartment = "ocid1.compartment.oc1..aaaa"

    func testBucketLifecycle() async throws {
        let store = try ObjectStore(namespace: ns)
        let bucket = try await store.createBucket(namespace: ns, CreateBucketDetails(name: "data", compartmentId: compartment), createdBy: "ocid1.user.oc1..me")
        XCTAssertEqual(bucket.createdBy, "ocid1.user.oc1..me")
        let read = try await store.bucket(namespace: ns, name: "data")
        XCTAssertEqual(read, bucket)
        await assertOCIError(
            try await store.createBucket(namespace: ns, CreateBucketDetails(name: "data", compartmentId: compartment), createdBy: ""),
            status: 409, code: "BucketAlreadyExists", mentions: "data")
        let listed = try await store.listBuckets(namespace: ns, compartmentId: compartment)
        XCTAssertEqual(listed.map(\.name), ["data"])
        let elsewhere = try await store.listBuckets(namespace: ns, compartmentId: "ocid1.compartment.oc1..other")
        XCTAssertEqual(elsewhere, [])
        try await store.deleteBucket(namespace: ns, name: "data", ifMatch: nil)
        await assertOCIError(try await store.bucket(namespace: ns, name: "data"), status: 404, code: "BucketNotFound", mentions: "'data'")
    }

    func testBucketNamesAndNamespaceAreChecked() async throws {
        let store = try ObjectStore(namespace: ns)
        await assertOCIError(
            try await store.createBucket(namespace: ns, CreateBucketDetails(name: "a/b", compartmentId: compartment), createdBy: ""),
            status: 400, code: "InvalidParameter", mentions: "a/b")
        await assertOCIError(
            try await store.createBucket(namespace: "other", CreateBucketDetails(name: "x", compartmentId: compartment), createdBy: ""),
            status: 404, code: "NamespaceNotFound", mentions: ns)
        await assertOCIError(
            try await store.createBucket(namespace: ns, CreateBucketDetails(name: "x"), createdBy: ""),
            status: 400, code: "MissingParameter", mentions: "compartmentId")
    }

    func testNonEmptyBucketIsNotDeleted() async throws {
        let store = try await storeWithBucket()
        _ = try await put(store, "k", "v")
        await assertOCIError(try await store.deleteBucket(namespace: ns, name: "b", ifMatch: nil), status: 409, code: "BucketNotEmpty", mentions: "'b'")
        try await store.deleteObject(namespace: ns, bucket: "b", object: "k", ifMatch: nil)
        let upload = try await store.createUpload(namespace: ns, bucket: "b", CreateMultipartUploadDetails(object: "m"))
        await assertOCIError(try await store.deleteBucket(namespace: ns, name: "b", ifMatch: nil), status: 409, code: "BucketNotEmpty", mentions: "upload")
        try await store.abortUpload(namespace: ns, bucket: "b", object: "m", uploadId: upload.uploadId)
        try await store.deleteBucket(namespace: ns, name: "b", ifMatch: nil)
    }

    func testPutGetAndDelete() async throws {
        let store = try await storeWithBucket()
        var properties = ObjectProperties(contentType: "text/plain")
        properties.metadata = ["color": "blue"]
        let info = try await store.putObject(
            namespace: ns, bucket: "b", object: "dir/ä b.txt", bytes: Array("hello".utf8), properties: properties,
            contentMD5: "XUFAKrxLKna5cZ2REBfFkg==", ifMatch: nil, ifNoneMatch: nil)
        XCTAssertEqual(info.md5, "XUFAKrxLKna5cZ2REBfFkg==", "base64 MD5 of 'hello'")
        XCTAssertEqual(info.size, 5)
        let (read, bytes) = try await store.object(namespace: ns, bucket: "b", object: "dir/ä b.txt")
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "hello")
        XCTAssertEqual(read.contentType, "text/plain")
        XCTAssertEqual(read.metadata, ["color": "blue"])
        try await store.deleteObject(namespace: ns, bucket: "b", object: "dir/ä b.txt", ifMatch: nil)
        await assertOCIError(try await store.objectInfo(namespace: ns, bucket: "b", object: "dir/ä b.txt"), status: 404, code: "ObjectNotFound", mentions: "dir/ä b.txt")
        await assertOCIError(try await store.deleteObject(namespace: ns, bucket: "b", object: "dir/ä b.txt", ifMatch: nil), status: 404, code: "ObjectNotFound", mentions: "'b'")
    }

    func testWrongContentMD5IsRefusedAndStoresNothing() async throws {
        let store = try await storeWithBucket()
        await assertOCIError(
            try await store.putObject(namespace: ns, bucket: "b", object: "k", bytes: [1, 2, 3], properties: ObjectProperties(), contentMD5: "AAAAAAAAAAAAAAAAAAAAAA==", ifMatch: nil, ifNoneMatch: nil),
            status: 400, code: "InvalidParameter", mentions: "Content-MD5")
        await assertOCIError(try await store.objectInfo(namespace: ns, bucket: "b", object: "k"), status: 404, code: "ObjectNotFound", mentions: "k")
    }

    func testConditionalWrites() async throws {
        let store = try await storeWithBucket()
        let first = try await put(store, "k", "1")
        await assertOCIError(
            try await store.putObject(namespace: ns, bucket: "b", object: "k", bytes: [2], properties: ObjectProperties(), contentMD5: nil, ifMatch: nil, ifNoneMatch: "*"),
            status: 412, code: "IfNoneMatchFailed", mentions: "exists")
        await assertOCIError(
            try await store.putObject(namespace: ns, bucket: "b", object: "k", bytes: [2], properties: ObjectProperties(), contentMD5: nil, ifMatch: "other", ifNoneMatch: nil),
            status: 412, code: "IfMatchFailed", mentions: "other")
        let second = try await store.putObject(namespace: ns, bucket: "b", object: "k", bytes: [2], properties: ObjectProperties(), contentMD5: nil, ifMatch: first.etag, ifNoneMatch: nil)
        XCTAssertNotEqual(second.etag, first.etag)
        XCTAssertEqual(second.timeCreated, first.timeCreated, "overwriting keeps the creation time")
        await assertOCIError(try await store.deleteObject(namespace: ns, bucket: "b", object: "k", ifMatch: first.etag), status: 412, code: "IfMatchFailed", mentions: first.etag)
    }

    func testObjectNamesAreValidated() async throws {
        let store = try await storeWithBucket()
        for bad in ["", "a\nb", String(repeating: "x", count: 1025)] {
            await assertOCIError(try await put(store, bad, "v"), status: 400, code: "InvalidParameter", mentions: "object name")
        }
        _ = try await put(store, String(repeating: "é", count: 512), "1024 bytes is the limit")
    }

    func testMultipartCommitAssemblesPartsInOrder() async throws {
        let store = try await storeWithBucket()
        let upload = try await store.createUpload(namespace: ns, bucket: "b", CreateMultipartUploadDetails(object: "big", contentType: "text/csv", metadata: ["opc-meta-Kind": "x"]))
        let part2 = try await store.uploadPart(namespace: ns, bucket: "b", object: "big", uploadId: upload.uploadId, partNumber: 2, bytes: Array("world".utf8), contentMD5: nil)
        let part1 = try await store.uploadPart(namespace: ns, bucket: "b", object: "big", uploadId: upload.uploadId, partNumber: 1, bytes: Array("hello ".utf8), contentMD5: nil)
        let part3 = try await store.uploadPart(namespace: ns, bucket: "b", object: "big", uploadId: upload.uploadId, partNumber: 3, bytes: Array("!!".utf8), contentMD5: nil)
        let partNumbers = try await store.listParts(namespace: ns, bucket: "b", object: "big", uploadId: upload.uploadId).map(\.partNumber)
        XCTAssertEqual(partNumbers, [1, 2, 3])
        let uploadIds = try await store.listUploads(namespace: ns, bucket: "b").map(\.uploadId)
        XCTAssertEqual(uploadIds, [upload.uploadId])

        let details = CommitMultipartUploadDetails(partsToCommit: [.init(partNum: 2, etag: part2.etag), .init(partNum: 1, etag: part1.etag)], partsToExclude: [3])
        let info = try await store.commitUpload(namespace: ns, bucket: "b", object: "big", uploadId: upload.uploadId, details)
        let (read, bytes) = try await store.object(namespace: ns, bucket: "b", object: "big")
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "hello world", "part 3 was left out")
        XCTAssertEqual(read.contentType, "text/csv")
        XCTAssertEqual(read.metadata, ["kind": "x"])
        let partHashes = Digest.md5(Array("hello ".utf8)) + Digest.md5(Array("world".utf8))
        XCTAssertEqual(info.multipartMD5, Digest.md5Base64(partHashes) + "-2")
        let uploadsLeft = try await store.listUploads(namespace: ns, bucket: "b")
        XCTAssertEqual(uploadsLeft, [])
        _ = part3
        await assertOCIError(
            try await store.uploadPart(namespace: ns, bucket: "b", object: "big", uploadId: upload.uploadId, partNumber: 4, bytes: [], contentMD5: nil),
            status: 404, code: "NoSuchUpload", mentions: upload.uploadId)
    }

    func testCommitChecksPartsAndEtags() async throws {
        let store = try await storeWithBucket()
        let upload = try await store.createUpload(namespace: ns, bucket: "b", CreateMultipartUploadDetails(object: "o"))
        let part = try await store.uploadPart(namespace: ns, bucket: "b", object: "o", uploadId: upload.uploadId, partNumber: 1, bytes: [1], contentMD5: nil)
        await assertOCIError(
            try await store.commitUpload(namespace: ns, bucket: "b", object: "o", uploadId: upload.uploadId, CommitMultipartUploadDetails(partsToCommit: [.init(partNum: 1, etag: "wrong")])),
            status: 400, code: "InvalidParameter", mentions: "etag")
        await assertOCIError(
            try await store.commitUpload(namespace: ns, bucket: "b", object: "o", uploadId: upload.uploadId, CommitMultipartUploadDetails(partsToCommit: [.init(partNum: 2, etag: part.etag)])),
            status: 400, code: "InvalidParameter", mentions: "Part 2")
        await assertOCIError(
            try await store.uploadPart(namespace: ns, bucket: "b", object: "o", uploadId: upload.uploadId, partNumber: 0, bytes: [], contentMD5: nil),
            status: 400, code: "InvalidParameter", mentions: "uploadPartNum")
        await assertOCIError(
            try await store.uploadPart(namespace: ns, bucket: "b", object: "other", uploadId: upload.uploadId, partNumber: 1, bytes: [], contentMD5: nil),
            status: 404, code: "NoSuchUpload", mentions: "other")
        await assertOCIError(try await store.objectInfo(namespace: ns, bucket: "b", object: "o"), status: 404, code: "ObjectNotFound", mentions: "o")
    }

    func testStateDirectoryKeepsBucketsAndObjectsAcrossRestarts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ofn-state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let store = try ObjectStore(namespace: ns, disk: ObjectStateDirectory(stateDirectory: directory))
            _ = try await store.createBucket(namespace: ns, CreateBucketDetails(name: "kept", compartmentId: compartment), createdBy: "")
            _ = try await store.createBucket(namespace: ns, CreateBucketDetails(name: "dropped", compartmentId: compartment), createdBy: "")
            _ = try await store.putObject(namespace: ns, bucket: "kept", object: "a/b c/ü", bytes: Array("one".utf8), properties: ObjectProperties(contentType: "text/plain"), contentMD5: nil, ifMatch: nil, ifNoneMatch: nil)
            _ = try await store.putObject(namespace: ns, bucket: "kept", object: "gone", bytes: [1], properties: ObjectProperties(), contentMD5: nil, ifMatch: nil, ifNoneMatch: nil)
            _ = try await store.putObject(namespace: ns, bucket: "kept", object: "a/b c/ü", bytes: Array("two".utf8), properties: ObjectProperties(contentType: "text/plain"), contentMD5: nil, ifMatch: nil, ifNoneMatch: nil)
            try await store.deleteObject(namespace: ns, bucket: "kept", object: "gone", ifMatch: nil)
            try await store.deleteBucket(namespace: ns, name: "dropped", ifMatch: nil)
        }
        let reopened = try ObjectStore(namespace: ns, disk: ObjectStateDirectory(stateDirectory: directory))
        let bucketNames = try await reopened.listBuckets(namespace: ns, compartmentId: compartment).map(\.name)
        XCTAssertEqual(bucketNames, ["kept"])
        let (info, bytes) = try await reopened.object(namespace: ns, bucket: "kept", object: "a/b c/ü")
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "two")
        XCTAssertEqual(info.contentType, "text/plain")
        let objectNames = try await reopened.listObjects(namespace: ns, bucket: "kept", query: ListObjectsQuery()).objects.map(\.name)
        XCTAssertEqual(objectNames, ["a/b c/ü"])
    }

    /// OCI allows bucket names of 256 characters; "bucket-" and such a name is longer than a file name may be.
    func testBucketNamesTooLongForAFileNameAreKeptAcrossRestarts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ofn-state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let names = [248, 249, 256].map { String(repeating: "n", count: $0) }
        do {
            let store = try ObjectStore(namespace: ns, disk: ObjectStateDirectory(stateDirectory: directory))
            for name in names {
                _ = try await store.createBucket(namespace: ns, CreateBucketDetails(name: name, compartmentId: compartment), createdBy: "")
                _ = try await store.putObject(namespace: ns, bucket: name, object: "o", bytes: Array(name.utf8), properties: ObjectProperties(), contentMD5: nil, ifMatch: nil, ifNoneMatch: nil)
            }
        }
        let folders = try FileManager.default.contentsOfDirectory(atPath: directory + "/objectstorage")
        XCTAssertTrue(folders.contains("bucket-" + names[0]), "a name that fits stays readable on disk")
        XCTAssertTrue(folders.allSatisfy { $0.utf8.count <= ObjectStateDirectory.maxFileNameBytes })
        let reopened = try ObjectStore(namespace: ns, disk: ObjectStateDirectory(stateDirectory: directory))
        let listed = try await reopened.listBuckets(namespace: ns, compartmentId: compartment).map(\.name)
        XCTAssertEqual(Set(listed), Set(names))
        for name in names {
            let (_, bytes) = try await reopened.object(namespace: ns, bucket: name, object: "o")
            XCTAssertEqual(bytes, Array(name.utf8))
            try await reopened.deleteObject(namespace: ns, bucket: name, object: "o", ifMatch: nil)
            try await reopened.deleteBucket(namespace: ns, name: name, ifMatch: nil)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory + "/objectstorage"), [])
    }

    /// A name the file system refuses cannot be stored by sending it again: 400, not a 500 clients retry.
    func testANameTheFileSystemRefusesIsA400() throws {
        let tooLong = FileManager.default.temporaryDirectory.appendingPathComponent(String(repeating: "x", count: 300))
        XCTAssertThrowsError(try Data([1]).write(to: tooLong)) { error in
            let answer = ObjectStore.stateDirectoryFailure(error, root: "/state")
            XCTAssertEqual(answer.status.code, 400, "\(error)")
            XCTAssertTrue(answer.message.contains("too long"), answer.message)
        }
        let elsewhere = ObjectStore.stateDirectoryFailure(CocoaError(.fileWriteNoPermission), root: "/state")
        XCTAssertEqual(elsewhere.status.code, 500)
    }

    func testUnreadableStateDirectoryIsReported() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ofn-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let bucket = directory.appendingPathComponent("objectstorage/bucket-broken")
        try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
        try Data("not json".utf8).write(to: bucket.appendingPathComponent("bucket.json"))
        XCTAssertThrowsError(try ObjectStore(namespace: ns, disk: ObjectStateDirectory(stateDirectory: directory.path)))
    }

    // MARK: Helpers

    private func storeWithBucket() async throws -> ObjectStore {
        let store = try ObjectStore(namespace: ns)
        _ = try await store.createBucket(namespace: ns, CreateBucketDetails(name: "b", compartmentId: compartment), createdBy: "")
        return store
    }

    private func put(_ store: ObjectStore, _ name: String, _ text: String) async throws -> ObjectInfo {
        try await store.putObject(namespace: ns, bucket: "b", object: name, bytes: Array(text.utf8), properties: ObjectProperties(), contentMD5: nil, ifMatch: nil, ifNoneMatch: nil)
    }
}
