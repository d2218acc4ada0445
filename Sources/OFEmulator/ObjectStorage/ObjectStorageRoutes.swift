import Foundation
import Hummingbird
import OFSigning

/// Object Storage's REST API (version 20160918, which has no prefix in the path): namespace, buckets,
/// objects and multipart uploads. Object actions, pre-authenticated requests, lifecycle policies and work
/// requests are in `ObjectStorageRoutes+*`.
struct ObjectStorageRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    let store: ObjectStore

    func register(on router: Router<Context>) {
        router.get("/n") { _, _ in try Responses.json(self.store.namespace) }
        router.get("/n/:namespace") { request, _ in try await self.namespaceMetadata(request) }
        router.put("/n/:namespace") { request, _ in try await self.updateNamespaceMetadata(request) }

        router.post("/n/:namespace/b") { request, context in try await self.createBucket(request, context) }
        router.get("/n/:namespace/b") { request, _ in try await self.listBuckets(request) }
        router.get("/n/:namespace/b/:bucket") { request, _ in try await self.getBucket(request) }
        router.post("/n/:namespace/b/:bucket") { request, _ in try await self.updateBucket(request) }
        router.head("/n/:namespace/b/:bucket") { request, _ in try await self.headBucket(request) }
        router.delete("/n/:namespace/b/:bucket") { request, _ in try await self.deleteBucket(request) }

        router.get("/n/:namespace/b/:bucket/o") { request, _ in try await self.listObjects(request) }
        router.put("/n/:namespace/b/:bucket/o/**") { request, _ in try await self.putObject(request) }
        router.get("/n/:namespace/b/:bucket/o/**") { request, _ in try await self.getObject(request, withBody: true) }
        router.head("/n/:namespace/b/:bucket/o/**") { request, _ in try await self.getObject(request, withBody: false) }
        router.delete("/n/:namespace/b/:bucket/o/**") { request, _ in try await self.deleteObject(request) }

        router.post("/n/:namespace/b/:bucket/u") { request, _ in try await self.createUpload(request) }
        router.get("/n/:namespace/b/:bucket/u") { request, _ in try await self.listUploads(request) }
        router.put("/n/:namespace/b/:bucket/u/**") { request, _ in try await self.uploadPart(request) }
        router.get("/n/:namespace/b/:bucket/u/**") { request, _ in try await self.listParts(request) }
        router.post("/n/:namespace/b/:bucket/u/**") { request, _ in try await self.commitUpload(request) }
        router.delete("/n/:namespace/b/:bucket/u/**") { request, _ in try await self.abortUpload(request) }

        self.registerObjectActions(on: router)
        self.registerBucketPolicies(on: router)
        self.registerPreauthenticatedRequests(on: router)
    }

    // MARK: Buckets

    private func createBucket(_ request: Request, _ context: Context) async throws -> Response {
        let target = try Target(request, leading: 2)
        let details = try await request.decodeJSON(CreateBucketDetails.self)
        let bucket = try await self.store.createBucket(namespace: target.namespace, details, createdBy: context.principal)
        return try Responses.json(bucket, headers: ["etag": bucket.etag, "location": "/n/\(bucket.namespace)/b/\(bucket.name)"])
    }

    private func listBuckets(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 2)
        let query = try request.queryParameters()
        guard let compartmentId = query["compartmentId"] else {
            throw OCIError.missingParameter("compartmentId is mandatory: give the OCID of the compartment whose buckets to list.")
        }
        let paging = try Paging(limit: query["limit"], page: query["page"], defaultLimit: 1000, maxLimit: 1000)
        let page = paging.slice(try await self.store.listBuckets(namespace: target.namespace, compartmentId: compartmentId))
        return try Responses.json(page.items, headers: page.nextPage.map { ["opc-next-page": $0] } ?? [:])
    }

    /// GetBucket; `fields` may ask for approximateCount and approximateSize (comma-separated, as the SDK sends a list).
    private func getBucket(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 4)
        let fields = try request.queryParameters()["fields"].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        let known: Set = ["approximateCount", "approximateSize", "autoTiering"]
        if let unknown = fields.first(where: { !known.contains($0) }) {
            throw OCIError.invalidParameter("fields holds '\(unknown)', which is not one of approximateCount, approximateSize, autoTiering.")
        }
        let totals = fields.contains("approximateCount") || fields.contains("approximateSize")
        var bucket = try await self.store.bucket(namespace: target.namespace, name: target.bucket, approximateTotals: totals)
        if !fields.contains("approximateCount") { bucket.approximateCount = nil }
        if !fields.contains("approximateSize") { bucket.approximateSize = nil }
        return try Responses.json(bucket, headers: ["etag": bucket.etag])
    }

    private func updateBucket(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 4)
        let details = try await request.decodeJSON(UpdateBucketDetails.self)
        let bucket = try await self.store.updateBucket(namespace: target.namespace, name: target.bucket, details, ifMatch: request.headers[.ifMatch])
        return try Responses.json(bucket, headers: ["etag": bucket.etag])
    }

    // MARK: Namespace

    private func namespaceMetadata(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 2)
        return try Responses.json(try await self.store.namespaceMetadata(namespace: target.namespace))
    }

    private func updateNamespaceMetadata(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 2)
        let details = try await request.decodeJSON(UpdateNamespaceMetadataDetails.self)
        return try Responses.json(try await self.store.updateNamespaceMetadata(namespace: target.namespace, details))
    }

    private func headBucket(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 4)
        let bucket = try await self.store.bucket(namespace: target.namespace, name: target.bucket)
        return Responses.empty(status: .ok, headers: ["etag": bucket.etag])
    }

    private func deleteBucket(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 4)
        try await self.store.deleteBucket(namespace: target.namespace, name: target.bucket, ifMatch: request.headers[.ifMatch])
        return Responses.empty()
    }

    // MARK: Objects

    private func listObjects(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 4)
        let query = try ListObjectsQuery(query: request.queryParameters())
        return try Responses.json(try await self.store.listObjects(namespace: target.namespace, bucket: target.bucket, query: query))
    }

    private func putObject(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 5)
        return try await self.putObject(request, namespace: target.namespace, bucket: target.bucket, object: target.object)
    }

    /// PutObject, signed or through a pre-authenticated request.
    func putObject(_ request: Request, namespace: String, bucket: String, object: String) async throws -> Response {
        let info = try await self.store.putObject(
            namespace: namespace, bucket: bucket, object: object, bytes: request.bodyBytes(),
            properties: Self.properties(of: request), contentMD5: request.headers[named: "content-md5"],
            ifMatch: request.headers[.ifMatch], ifNoneMatch: request.headers[.ifNoneMatch]
        )
        var headers = ["etag": info.etag, "opc-content-md5": info.md5, "last-modified": Self.httpDate(info.timeModified)]
        headers["version-id"] = info.versionId
        return Responses.empty(status: .ok, headers: headers)
    }

    private func getObject(_ request: Request, withBody: Bool) async throws -> Response {
        let target = try Target(request, leading: 5)
        return try await self.getObject(request, namespace: target.namespace, bucket: target.bucket, object: target.object, withBody: withBody)
    }

    /// GetObject (with a single byte range) and HeadObject, signed or through a pre-authenticated request.
    func getObject(_ request: Request, namespace: String, bucket: String, object: String, withBody: Bool) async throws -> Response {
        let (info, bytes) = try await self.store.object(namespace: namespace, bucket: bucket, object: object)
        if let ifMatch = request.headers[.ifMatch], ifMatch != info.etag {
            throw OCIError(status: .preconditionFailed, code: "IfMatchFailed", message: "The if-match etag '\(ifMatch)' does not match the object's etag \(info.etag).")
        }
        var headers = Self.headers(of: info)
        if let ifNoneMatch = request.headers[.ifNoneMatch], ifNoneMatch == info.etag {
            return Responses.empty(status: .notModified, headers: ["etag": info.etag])
        }
        var status = HTTPResponse.Status.ok
        var body = bytes[...]
        if withBody {
            switch ByteRange.resolve(request.headers[.range], size: bytes.count) {
            case .whole:
                break
            case .part(let range):
                status = .partialContent
                body = bytes[range]
                headers["content-range"] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(bytes.count)"
            case .unsatisfiable:
                let failure = OCIError(status: .rangeNotSatisfiable, code: "InvalidRange", message: "The range '\(request.headers[.range] ?? "")' lies outside the object's \(bytes.count) bytes.")
                var response = OCIResponseMiddleware.render(failure, for: request)
                response.headers[.contentRange] = "bytes */\(bytes.count)"
                return response
            }
        }
        headers["content-length"] = String(withBody ? body.count : bytes.count)
        let responseBody: ResponseBody = withBody ? .init(byteBuffer: ByteBuffer(bytes: body)) : .init()
        return Response(status: status, headers: Responses.fields(headers), body: responseBody)
    }

    private func deleteObject(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 5)
        let deleted = try await self.store.deleteObject(namespace: target.namespace, bucket: target.bucket, object: target.object, ifMatch: request.headers[.ifMatch])
        return Responses.empty(headers: ["last-modified": Self.httpDate(deleted)])
    }

    // MARK: Multipart uploads

    private func createUpload(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 4)
        let details = try await request.decodeJSON(CreateMultipartUploadDetails.self)
        let upload = try await self.store.createUpload(namespace: target.namespace, bucket: target.bucket, details)
        return try Responses.json(upload, headers: ["location": "/n/\(upload.namespace)/b/\(upload.bucket)/u/\(upload.object)"])
    }

    private func listUploads(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 4)
        let query = try request.queryParameters()
        let paging = try Paging(limit: query["limit"], page: query["page"], defaultLimit: 1000, maxLimit: 1000)
        let page = paging.slice(try await self.store.listUploads(namespace: target.namespace, bucket: target.bucket))
        return try Responses.json(page.items, headers: page.nextPage.map { ["opc-next-page": $0] } ?? [:])
    }

    private func uploadPart(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 5)
        let query = try request.queryParameters()
        let uploadId = try Self.uploadId(query)
        guard let rawNumber = query["uploadPartNum"], let number = Int(rawNumber) else {
            throw OCIError.missingParameter("uploadPartNum is mandatory: give the part's number (1 to 10000) in the query.")
        }
        let part = try await self.store.uploadPart(
            namespace: target.namespace, bucket: target.bucket, object: target.object, uploadId: uploadId, partNumber: number,
            bytes: request.bodyBytes(), contentMD5: request.headers[named: "content-md5"]
        )
        return Responses.empty(status: .ok, headers: ["etag": part.etag, "opc-content-md5": part.md5])
    }

    private func listParts(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 5)
        let query = try request.queryParameters()
        let parts = try await self.store.listParts(namespace: target.namespace, bucket: target.bucket, object: target.object, uploadId: Self.uploadId(query))
        let paging = try Paging(limit: query["limit"], page: query["page"], defaultLimit: 1000, maxLimit: 1000)
        let page = paging.slice(parts)
        return try Responses.json(page.items, headers: page.nextPage.map { ["opc-next-page": $0] } ?? [:])
    }

    private func commitUpload(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 5)
        let uploadId = try Self.uploadId(request.queryParameters())
        let details = try await request.decodeJSON(CommitMultipartUploadDetails.self)
        let info = try await self.store.commitUpload(namespace: target.namespace, bucket: target.bucket, object: target.object, uploadId: uploadId, details)
        return Responses.empty(status: .ok, headers: ["etag": info.etag, "opc-multipart-md5": info.multipartMD5 ?? info.md5, "last-modified": Self.httpDate(info.timeModified)])
    }

    private func abortUpload(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 5)
        let uploadId = try Self.uploadId(request.queryParameters())
        try await self.store.abortUpload(namespace: target.namespace, bucket: target.bucket, object: target.object, uploadId: uploadId)
        return Responses.empty()
    }

    // MARK: Request and response parts

    /// The namespace, bucket and object (or upload's object) a path names, each decoded once. The object
    /// name is everything after `/o/` (or `/u/`), so both `a/b` and `a%2Fb` name the object `a/b`.
    struct Target {
        let namespace: String
        let bucket: String
        let object: String

        /// - Parameter leading: the fixed segments before the part read here: 2 for `n/{ns}`, 4 up to the
        ///   bucket, 5 when an object name follows.
        init(_ request: Request, leading: Int) throws(OCIError) {
            let (segments, rest) = RequestParts.splitPath(request.uri.path, leading: leading)
            let namespace = segments.count > 1 ? segments[1] : ""
            let bucket = leading >= 4 && segments.count > 3 ? segments[3] : ""
            self.namespace = try RequestParts.pathDecode(namespace)
            self.bucket = try RequestParts.pathDecode(bucket)
            self.object = try leading == 5 ? RequestParts.pathDecode(rest ?? "") : ""
        }
    }

    private static func uploadId(_ query: [String: String]) throws(OCIError) -> String {
        guard let uploadId = query["uploadId"], !uploadId.isEmpty else {
            throw .missingParameter("uploadId is mandatory: give the id CreateMultipartUpload returned, in the query.")
        }
        return uploadId
    }

    /// The object properties PutObject takes from its headers.
    private static func properties(of request: Request) throws(OCIError) -> ObjectProperties {
        let metadata = request.headers.filter { $0.name.canonicalName.hasPrefix("opc-meta-") }.map { ($0.name.canonicalName, $0.value) }
        return ObjectProperties(
            contentType: request.headers[.contentType], contentEncoding: request.headers[.contentEncoding],
            contentLanguage: request.headers[.contentLanguage], contentDisposition: request.headers[.contentDisposition],
            cacheControl: request.headers[.cacheControl],
            metadata: ObjectStore.userMetadata(Dictionary(metadata, uniquingKeysWith: { _, last in last })),
            storageTier: try StorageTier.parse(given: request.headers[named: "storage-tier"], field: "storage-tier") ?? .standard
        )
    }

    /// The headers GetObject and HeadObject answer with.
    private static func headers(of info: ObjectInfo) -> [String: String] {
        var headers = [
            "etag": info.etag, "content-type": info.contentType, "last-modified": self.httpDate(info.timeModified),
            "accept-ranges": "bytes", "storage-tier": info.tier.rawValue,
        ]
        headers["version-id"] = info.versionId
        // OCI reports content-md5 for single uploads and opc-multipart-md5 for objects committed from parts.
        if let multipart = info.multipartMD5 {
            headers["opc-multipart-md5"] = multipart
        } else {
            headers["content-md5"] = info.md5
        }
        headers["content-encoding"] = info.contentEncoding
        headers["content-language"] = info.contentLanguage
        headers["content-disposition"] = info.contentDisposition
        headers["cache-control"] = info.cacheControl
        for (key, value) in info.metadata {
            headers["opc-meta-" + key] = value
        }
        return headers
    }

    static func httpDate(_ date: Date) -> String {
        HTTPDate.format(Int(date.timeIntervalSince1970))
    }
}
