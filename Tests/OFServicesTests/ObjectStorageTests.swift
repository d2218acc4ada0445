import COpenSSL
import Foundation
import OFConfig
import OFServices
import OFTransport
import XCTest

final class ObjectStorageTests: XCTestCase {
    var harness: EmulatorHarness!

    override func setUp() async throws { harness = try await EmulatorHarness() }
    override func tearDown() async throws { await harness?.stop() }

    func testNamespaceIsLookedUpOnceWhenNotConfigured() async throws {
        let storage = try harness.storage()
        let first = try await storage.namespace()
        let second = try await storage.namespace()
        XCTAssertEqual(first, "oraclefn")
        XCTAssertEqual(second, "oraclefn")
        XCTAssertEqual(harness.requests.filter { $0.hasSuffix("/n/") }.count, 1)
    }

    func testConfiguredNamespaceIsNotLookedUp() async throws {
        let configured = try await EmulatorHarness(extra: ["oracle": [("tenancy_namespace", .string("oraclefn"))]])
        addTeardownBlock { await configured.stop() }
        XCTAssertEqual(configured.configuration.storage.tenancyNamespace, "oraclefn")
        let storage = try configured.storage()
        _ = try await storage.createBucket("configured-ns")
        let configuredNamespace = try await storage.namespace()
        XCTAssertEqual(configuredNamespace, "oraclefn")
        XCTAssertFalse(configured.requests.contains { $0.hasSuffix("/n/") }, "\(configured.requests)")
        XCTAssertEqual(configured.requests.count, 1)
    }

    func testBucketLifecycle() async throws {
        let storage = try harness.storage()
        let bucket = try await storage.createBucket("lifecycle")
        XCTAssertEqual(bucket.name, "lifecycle")
        XCTAssertEqual(bucket.compartmentId, harness.configuration.storage.compartmentId)
        let gotBucket = try await storage.getBucket("lifecycle").name
        XCTAssertEqual(gotBucket, "lifecycle")
        let bucketETag = try await storage.headBucket("lifecycle")["etag"]
        XCTAssertNotNil(bucketETag)
        let bucketNames = try await storage.listBuckets().map(\.name)
        XCTAssertEqual(bucketNames, ["lifecycle"])

        let exists = await serviceError { _ = try await storage.createBucket("lifecycle") }
        XCTAssertEqual(exists?.httpStatus, 409)
        XCTAssertEqual(exists?.code, "BucketAlreadyExists")

        try await storage.putObject(bucket: "lifecycle", name: "x", body: .bytes([1]))
        let notEmpty = await serviceError { try await storage.deleteBucket("lifecycle") }
        XCTAssertEqual(notEmpty?.code, "BucketNotEmpty")
        try await storage.deleteObject(bucket: "lifecycle", name: "x")
        try await storage.deleteBucket("lifecycle")

        let gone = await serviceError { _ = try await storage.headBucket("lifecycle") }
        XCTAssertEqual(gone?.httpStatus, 404)
        let missing = await serviceError { _ = try await storage.getBucket("lifecycle") }
        XCTAssertEqual(missing?.code, "BucketNotFound")
        XCTAssertFalse(missing?.opcRequestId.isEmpty ?? true)
        XCTAssertTrue(missing?.description.contains("GetBucket failed: HTTP 404 BucketNotFound") == true, missing?.description ?? "")
        XCTAssertTrue(missing?.description.contains("opc-request-id") == true)
    }

    func testObjectsPutGetRangeHeadDelete() async throws {
        let storage = try harness.storage()
        _ = try await storage.createBucket("objects")
        let content = Array("0123456789abcdefghij".utf8)
        for name in ["plain", "dir/sub/file.txt", "with space+plus", "ünïcødé/名前", "100%?&=#"] {
            let put = try await storage.putObject(
                bucket: "objects", name: name, body: .bytes(content), contentType: "text/plain", metadata: ["owner": "tests"])
            XCTAssertEqual(put.parts, 0)
            XCTAssertEqual(put.md5, Data(md5(content)).base64EncodedString())
            let got = try await storage.getObject(bucket: "objects", name: name)
            XCTAssertEqual(got.status, 200)
            XCTAssertEqual(got.body, content, name)
            XCTAssertEqual(got.metadata.contentType, "text/plain")
        }
        let listing = try await storage.listObjects(bucket: "objects")
        XCTAssertEqual(listing.objects.map(\.name).sorted(), ["100%?&=#", "dir/sub/file.txt", "plain", "with space+plus", "ünïcødé/名前"].sorted())
        XCTAssertTrue(listing.objects.allSatisfy { $0.size == content.count })

        let range = try await storage.getObject(bucket: "objects", name: "plain", range: .bytes(first: 1, last: 4))
        XCTAssertEqual(range.status, 206)
        XCTAssertEqual(range.body, Array("1234".utf8))
        let tail = try await storage.getObject(bucket: "objects", name: "plain", range: .from(18)).body
        XCTAssertEqual(tail, Array("ij".utf8))
        let suffix = try await storage.getObject(bucket: "objects", name: "plain", range: .suffix(3)).body
        XCTAssertEqual(suffix, Array("hij".utf8))
        do {
            _ = try await storage.getObject(bucket: "objects", name: "plain", range: .bytes(first: 5, last: 2))
            XCTFail("an inverted range is refused")
        } catch let error as ClientError {
            XCTAssertEqual(error.kind, .invalidArgument)
        }

        let head = try await storage.headObject(bucket: "objects", name: "dir/sub/file.txt")
        XCTAssertEqual(head.contentLength, content.count)
        XCTAssertEqual(head.userMetadata, ["owner": "tests"])
        XCTAssertEqual(head.md5, Data(md5(content)).base64EncodedString())
        XCTAssertNotNil(head.etag)

        try await storage.deleteObject(bucket: "objects", name: "plain")
        let missing = await serviceError { _ = try await storage.getObject(bucket: "objects", name: "plain") }
        XCTAssertEqual(missing?.code, "ObjectNotFound")
        let headMissing = await serviceError { _ = try await storage.headObject(bucket: "objects", name: "plain") }
        XCTAssertEqual(headMissing?.httpStatus, 404)

        try await storage.deleteObjects(bucket: "objects", names: ["dir/sub/file.txt", "plain", "with space+plus"])
        let remaining = try await storage.listObjects(bucket: "objects").objects.map(\.name).sorted()
        XCTAssertEqual(remaining, ["100%?&=#", "ünïcødé/名前"])
        let noBucket = await serviceError { try await storage.deleteObjects(bucket: "no-such-bucket", names: ["a"]) }
        XCTAssertEqual(noBucket?.code, "BucketNotFound")
    }

    func testListingOver2500ObjectsWithPrefixesAndDelimiter() async throws {
        let storage = try harness.storage()
        _ = try await storage.createBucket("many")
        let names = (0..<2600).map { String(format: "jobs/%05d/status.json", $0) } + ["jobs/readme", "other/x"]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: names.count, by: 200) {
                let slice = Array(names[chunk..<min(chunk + 200, names.count)])
                group.addTask { for name in slice { try await storage.putObject(bucket: "many", name: name, body: .bytes([7])) } }
            }
            try await group.waitForAll()
        }
        let all = try await storage.listObjects(bucket: "many")
        XCTAssertEqual(all.objects.count, names.count)
        XCTAssertEqual(all.objects.map(\.name), names.sorted())
        let jobs = try await storage.listObjects(bucket: "many", prefix: "jobs/")
        XCTAssertEqual(jobs.objects.count, 2601)
        let folders = try await storage.listObjects(bucket: "many", prefix: "jobs/", delimiter: "/")
        XCTAssertEqual(folders.objects.map(\.name), ["jobs/readme"])
        XCTAssertEqual(folders.prefixes.count, 2600)
        XCTAssertEqual(folders.prefixes.first, "jobs/00000/")
        let noneListed = try await storage.listObjects(bucket: "many", prefix: "nothing-here").objects
        XCTAssertEqual(noneListed, [])
        let listCalls = harness.requests.filter { $0.contains("/b/many/o?") }
        XCTAssertGreaterThanOrEqual(listCalls.count, 3 + 3 + 3 + 1, "pages of at most 1000 objects")
    }

    func testMultipart200MiBRoundTripCheckedByHash() async throws {
        let storage = try harness.storage(multipart: MultipartSettings(threshold: 128 << 20, partSize: 48 << 20, concurrency: 3))
        _ = try await storage.createBucket("big")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oraclefn-services-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("200MiB.bin").path
        let size = 200 << 20
        let expected = try writePattern(path: path, size: size)

        let source = try FileSource(path: path)
        let put = try await storage.putObject(bucket: "big", name: "data/200MiB.bin", body: .source(source))
        XCTAssertEqual(put.parts, 5, "200 MiB in 48 MiB parts")
        XCTAssertTrue(put.md5?.hasSuffix("-5") == true, put.md5 ?? "")
        XCTAssertEqual(harness.requests.filter { $0.hasPrefix("PUT") && $0.contains("uploadPartNum=") }.count, 5)

        let sink = HashingSink()
        let got = try await storage.getObject(bucket: "big", name: "data/200MiB.bin", sink: sink)
        XCTAssertTrue(got.body.isEmpty, "the content went to the sink")
        XCTAssertEqual(got.metadata.contentLength, size)
        XCTAssertEqual(sink.count, size)
        XCTAssertEqual(sink.hexDigest, expected)
        let headMD5 = try await storage.headObject(bucket: "big", name: "data/200MiB.bin").md5
        XCTAssertEqual(headMD5, put.md5)
    }

    func testFailedMultipartIsAborted() async throws {
        let storage = try harness.storage(multipart: MultipartSettings(threshold: 10, partSize: 8))
        do {
            try await storage.putObject(bucket: "no-such-bucket", name: "x", body: .bytes(Array(repeating: 1, count: 40)))
            XCTFail("expected BucketNotFound")
        } catch let error as ServiceError {
            XCTAssertEqual(error.code, "BucketNotFound")
        }
        _ = try await storage.createBucket("parts")
        let failing = ObjectStorageClient(
            service: try harness.service(.storage), compartmentId: harness.configuration.storage.compartmentId,
            multipart: MultipartSettings(threshold: 10, partSize: 8))
        do {
            try await failing.putObject(bucket: "parts", name: "x", body: .source(BrokenSource(count: 40, failAt: 20)))
            XCTFail("expected the source's error")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .bodySource)
        }
        XCTAssertTrue(harness.requests.contains { $0.hasPrefix("DELETE") && $0.contains("/u/x?uploadId=") }, "the upload is aborted")
        let leftInParts = try await storage.listObjects(bucket: "parts").objects
        XCTAssertEqual(leftInParts, [])
    }
}

/// Writes `size` bytes that differ from MiB to MiB and returns their SHA-256.
func writePattern(path: String, size: Int) throws -> String {
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    var block = [UInt8](repeating: 0, count: 1 << 20)
    for i in 0..<block.count { block[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 13) }
    let hasher = HashingSink()
    for mib in 0..<(size >> 20) {
        block[0] = UInt8(truncatingIfNeeded: mib)
        block[block.count / 2] = UInt8(truncatingIfNeeded: mib >> 8)
        try handle.write(contentsOf: block)
        block.withUnsafeBytes { try? hasher.write($0) }
    }
    return hasher.hexDigest
}

func md5(_ bytes: [UInt8]) -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: 16)
    var size: UInt32 = 0
    _ = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &digest, &size, EVP_md5(), nil) }
    return digest
}

/// A sink that hashes what it receives (SHA-256) and counts it.
final class HashingSink: ResponseSink, @unchecked Sendable {
    private let lock = NSLock()
    private var context = EVP_MD_CTX_new()
    private var received = 0

    init() { EVP_DigestInit_ex(context, EVP_sha256(), nil) }
    deinit { EVP_MD_CTX_free(context) }

    var count: Int { lock.withLock { received } }

    var hexDigest: String {
        lock.withLock {
            var digest = [UInt8](repeating: 0, count: 32)
            var size: UInt32 = 0
            let copy = EVP_MD_CTX_new()
            defer { EVP_MD_CTX_free(copy) }
            EVP_MD_CTX_copy_ex(copy, context)
            EVP_DigestFinal_ex(copy, &digest, &size)
            return digest.map { String(format: "%02x", $0) }.joined()
        }
    }

    func begin(expectedLength: Int?) throws(TransportError) {
        lock.withLock {
            EVP_DigestInit_ex(context, EVP_sha256(), nil)
            received = 0
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(TransportError) {
        lock.withLock {
            EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
            received += bytes.count
        }
    }
}

/// A body whose reads fail past `failAt`.
struct BrokenSource: BodySource {
    let count: Int
    let failAt: Int

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(TransportError) -> Int {
        guard offset < failAt else { throw .bodySource("the disk went away") }
        let n = min(buffer.count, count - offset)
        buffer.baseAddress?.initializeMemory(as: UInt8.self, repeating: 1, count: n)
        return n
    }
}
