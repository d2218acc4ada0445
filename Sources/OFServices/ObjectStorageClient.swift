// Object Storage (API 20160918, no version in the path): namespace, buckets,
// objects (ranges, listings with paging, multipart uploads above a threshold).
import OFConfig
import OFTransport
import OFLocking

public struct ObjectStorageClient: Sendable {
    public let service: ServiceClient
    /// The compartment buckets are created and listed in unless told otherwise.
    public let compartmentId: String
    public let multipart: MultipartSettings
    private let namespaceCache: NamespaceCache

    /// `namespace` nil: looked up (GetNamespace) on first use and remembered.
    public init(service: ServiceClient, compartmentId: String, namespace: String? = nil, multipart: MultipartSettings = MultipartSettings()) {
        self.service = service
        self.compartmentId = compartmentId
        self.multipart = multipart
        self.namespaceCache = NamespaceCache(namespace)
    }

    /// For the oracle_oss section: its compartment, and its tenancy_namespace when set.
    public init(configuration: Configuration, service: ServiceClient, multipart: MultipartSettings = MultipartSettings()) {
        self.init(
            service: service, compartmentId: configuration.storage.compartmentId, namespace: configuration.storage.tenancyNamespace,
            multipart: multipart)
    }

    // MARK: namespace

    /// The tenancy's namespace: the configured tenancy_namespace, else asked of the service once.
    public func namespace() async throws -> String {
        if let known = namespaceCache.value { return known }
        let response = try await service.send("GetNamespace", "GET", service.endpoints.objectStorage + "/n/")
        let name = try OCIJSON.decode(String.self, response.body, operation: "GetNamespace")
        namespaceCache.value = name
        return name
    }

    private func bucketURL(_ bucket: String) async throws -> String {
        try Self.checkName(bucket, "bucket")
        return service.endpoints.objectStorage + "/n/" + PercentEncoding.component(try await namespace()) + "/b/" + PercentEncoding.component(bucket)
    }

    private func objectURL(_ bucket: String, _ name: String) async throws -> String {
        try Self.checkName(name, "object")
        return try await bucketURL(bucket) + "/o/" + PercentEncoding.component(name)
    }

    private static func checkName(_ name: String, _ what: String) throws(ClientError) {
        guard !name.isEmpty else { throw ClientError(.invalidArgument, "the \(what) name is empty; give a name") }
    }

    // MARK: buckets

    public func createBucket(_ name: String, compartmentId: String? = nil) async throws -> Bucket {
        try Self.checkName(name, "bucket")
        let url = service.endpoints.objectStorage + "/n/" + PercentEncoding.component(try await namespace()) + "/b/"
        return try await service.sendJSON(
            Bucket.self, "CreateBucket", "POST", url, json: CreateBucketDetails(name: name, compartmentId: compartmentId ?? self.compartmentId))
    }

    public func getBucket(_ name: String) async throws -> Bucket {
        try await service.sendJSON(Bucket.self, "GetBucket", "GET", try await bucketURL(name))
    }

    /// The bucket's headers (etag); a missing bucket is a ServiceError with status 404.
    public func headBucket(_ name: String) async throws -> HTTPHeaders {
        try await service.send("HeadBucket", "HEAD", try await bucketURL(name)).headers
    }

    /// Every bucket of the compartment (all pages).
    public func listBuckets(compartmentId: String? = nil) async throws -> [Bucket] {
        let query = PercentEncoding.query([("compartmentId", compartmentId ?? self.compartmentId), ("limit", "1000")])
        let url = service.endpoints.objectStorage + "/n/" + PercentEncoding.component(try await namespace()) + "/b/" + query
        return try await service.listAll(Bucket.self, "ListBuckets", url)
    }

    /// Deletes an empty bucket (409 BucketNotEmpty otherwise).
    public func deleteBucket(_ name: String) async throws {
        _ = try await service.send("DeleteBucket", "DELETE", try await bucketURL(name))
    }

    // MARK: objects

    /// Stores an object, in parts when it is larger than the multipart threshold. A `.source`
    /// body is read while it is sent, so it is never held in memory whole.
    @discardableResult
    public func putObject(
        bucket: String, name: String, body: RequestBody, contentType: String = "application/octet-stream",
        metadata: [String: String] = [:]
    ) async throws -> PutObjectResult {
        if body.count > multipart.threshold, let source = Self.source(body) {
            return try await putMultipart(bucket: bucket, name: name, source: source, contentType: contentType, metadata: metadata)
        }
        var headers: HTTPHeaders = ["content-type": contentType]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { headers.add("opc-meta-" + key, value) }
        let response = try await service.send("PutObject", "PUT", try await objectURL(bucket, name), headers: headers, body: body)
        return PutObjectResult(etag: response.headers["etag"], md5: response.headers["opc-content-md5"], parts: 0)
    }

    private static func source(_ body: RequestBody) -> (any BodySource)? {
        switch body {
        case .empty: nil
        case .bytes(let bytes): ByteArraySource(bytes)
        case .source(let source): source
        }
    }

    /// Reads an object, or the part of it `range` names; with a sink the content goes there
    /// instead of into memory.
    public func getObject(bucket: String, name: String, range: ByteRange? = nil, sink: (any ResponseSink)? = nil) async throws -> ObjectContent {
        var headers: HTTPHeaders = ["accept": "*/*"]
        if let range { headers.set("range", try range.header()) }
        let response = try await service.send("GetObject", "GET", try await objectURL(bucket, name), headers: headers, sink: sink)
        return ObjectContent(status: response.status, metadata: ObjectMetadata(headers: response.headers), body: response.body)
    }

    /// Writes an object, or the part of it `range` names, to `file` as it arrives: memory stays at the
    /// transport's buffers whatever the size. `through` is a sink that passes the bytes on to `file` (to count
    /// them, say). A failed download removes a file it created from a path; a successful one closes it.
    @discardableResult
    public func download(
        bucket: String, name: String, range: ByteRange? = nil, to file: FileSink, through sink: (any ResponseSink)? = nil
    ) async throws -> ObjectContent {
        do {
            let content = try await getObject(bucket: bucket, name: name, range: range, sink: sink ?? file)
            file.close()
            return content
        } catch {
            file.discard()
            throw error
        }
    }

    /// An object's properties; a missing object is a ServiceError with status 404.
    public func headObject(bucket: String, name: String) async throws -> ObjectMetadata {
        ObjectMetadata(headers: try await service.send("HeadObject", "HEAD", try await objectURL(bucket, name)).headers)
    }

    public func deleteObject(bucket: String, name: String) async throws {
        _ = try await service.send("DeleteObject", "DELETE", try await objectURL(bucket, name))
    }

    /// Deletes objects, several at a time; ones already gone count as deleted.
    public func deleteObjects(bucket: String, names: [String], concurrency: Int = 16) async throws {
        try await forEachConcurrently(names, limit: concurrency) { name in
            do {
                try await deleteObject(bucket: bucket, name: name)
            } catch let error as ServiceError where error.httpStatus == 404 && error.code != "BucketNotFound" {
                // Already gone: what deleting it was for.
            }
        }
    }

    /// Every object whose name starts with `prefix` (all pages, in name order), with size, etag,
    /// md5 and times. With `delimiter` ("/", the only one OCI takes), names with a further
    /// delimiter after the prefix are folded into `prefixes`. With `start`, the listing begins at
    /// that name (inclusive), so a caller polling a prefix need not list what it has seen.
    public func listObjects(bucket: String, prefix: String? = nil, delimiter: String? = nil, start: String? = nil) async throws -> ObjectListing {
        let base = try await bucketURL(bucket) + "/o"
        var objects: [ObjectSummary] = []
        var prefixes: [String] = []
        var start = start
        repeat {
            let query = PercentEncoding.query([
                ("prefix", prefix), ("delimiter", delimiter), ("start", start), ("limit", "1000"),
                ("fields", "name,size,etag,md5,timeCreated,timeModified"),
            ])
            let response = try await service.send("ListObjects", "GET", base + query)
            let page = try OCIJSON.decode(ListObjectsPage.self, response.body, operation: "ListObjects")
            objects += page.objects
            prefixes += page.prefixes ?? []
            start = page.nextStartWith.flatMap { $0.isEmpty ? nil : $0 }
        } while start != nil
        return ObjectListing(objects: objects, prefixes: Array(Set(prefixes)).sorted())
    }

    // MARK: multipart

    private func putMultipart(
        bucket: String, name: String, source: any BodySource, contentType: String, metadata: [String: String]
    ) async throws -> PutObjectResult {
        let uploadURL = try await bucketURL(bucket) + "/u"
        try Self.checkName(name, "object")
        let details = CreateMultipartUploadDetails(object: name, contentType: contentType, metadata: metadata.isEmpty ? nil : metadata)
        let upload = try await service.sendJSON(MultipartUpload.self, "CreateMultipartUpload", "POST", uploadURL, json: details)
        let objectUploadURL = uploadURL + "/" + PercentEncoding.component(name)
        let uploadQuery = "?uploadId=" + PercentEncoding.component(upload.uploadId)
        do {
            let ranges = multipart.parts(of: source.count)
            let etags = Locked<[Int: String]>([:])
            try await forEachConcurrently(Array(ranges.enumerated()), limit: multipart.concurrency) { index, range in
                let number = index + 1
                let response = try await service.send(
                    "UploadPart", "PUT", objectUploadURL + uploadQuery + "&uploadPartNum=\(number)", body: .source(source.slice(range)))
                guard let etag = response.headers["etag"] else {
                    throw ClientError(.unexpectedResponse, "UploadPart \(number) of \(name) was answered without an etag")
                }
                etags.withLock { $0[number] = etag }
            }
            let parts = etags.withLock { all in all.sorted { $0.key < $1.key }.map { CommitMultipartUploadDetails.Part(partNum: $0.key, etag: $0.value) } }
            let commit = try await service.send(
                "CommitMultipartUpload", "POST", objectUploadURL + uploadQuery,
                body: try ServiceClient.jsonBody(CommitMultipartUploadDetails(partsToCommit: parts)))
            return PutObjectResult(etag: commit.headers["etag"], md5: commit.headers["opc-multipart-md5"], parts: parts.count)
        } catch {
            // Leave no half-uploaded parts billed; the original failure is what matters.
            _ = try? await service.send("AbortMultipartUpload", "DELETE", objectUploadURL + uploadQuery)
            throw error
        }
    }
}

/// Runs `body` for every element, at most `limit` at a time; the first error cancels the rest.
func forEachConcurrently<T: Sendable>(_ items: [T], limit: Int, _ body: @escaping @Sendable (T) async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var iterator = items.makeIterator()
        for _ in 0..<max(1, limit) {
            guard let item = iterator.next() else { break }
            group.addTask { try await body(item) }
        }
        while try await group.next() != nil {
            if let item = iterator.next() { group.addTask { try await body(item) } }
        }
    }
}

private final class NamespaceCache: Sendable {
    private let stored: Locked<String?>
    init(_ value: String?) { stored = Locked(value) }
    var value: String? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
