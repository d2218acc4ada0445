import Foundation

/// Object Storage's buckets, objects and multipart uploads for one namespace. Kept in memory and, when
/// given a state directory, written through to disk (in-progress multipart uploads and work requests stay in
/// memory only). Every operation validates first and changes nothing when it throws.
/// Bucket settings, object actions and pre-authenticated requests are in the `ObjectStore+*` files.
actor ObjectStore {
    struct Upload: Sendable {
        var resource: MultipartUploadResource
        var properties: ObjectProperties
        var parts: [Int: (summary: MultipartUploadPartSummary, bytes: [UInt8])] = [:]
    }

    struct Bucket: Sendable {
        var resource: BucketResource
        var objects: [String: (info: ObjectInfo, bytes: [UInt8])] = [:]
        var uploads: [String: Upload] = [:]
        /// By id.
        var preauthenticatedRequests: [String: PreauthenticatedRequestRecord] = [:]
        var lifecyclePolicy: ObjectLifecyclePolicy?
    }

    static let maxObjectNameBytes = 1024
    static let partNumbers = 1...10000

    let namespace: String
    let clock: @Sendable () -> Date
    let disk: ObjectStateDirectory?
    var buckets: [String: Bucket] = [:]
    var keptNamespaceMetadata: NamespaceMetadata
    /// By id; CopyObject's, kept for GetWorkRequest.
    var workRequests: [String: ObjectWorkRequest] = [:]

    /// Loads what a state directory holds; throws when it cannot be read.
    /// - Parameter tenancy: the compartment S3 and Swift buckets go to until UpdateNamespaceMetadata says otherwise.
    init(namespace: String, tenancy: String = GeneratedSetup.tenancy, clock: @escaping @Sendable () -> Date = Date.init, disk: ObjectStateDirectory? = nil) throws {
        self.namespace = namespace
        self.clock = clock
        self.disk = disk
        self.keptNamespaceMetadata = try disk?.loadNamespaceMetadata()
            ?? NamespaceMetadata(namespace: namespace, defaultS3CompartmentId: tenancy, defaultSwiftCompartmentId: tenancy)
        for loaded in try disk?.load() ?? [] {
            var bucket = Bucket(resource: loaded.bucket, lifecyclePolicy: loaded.lifecyclePolicy)
            for object in loaded.objects {
                bucket.objects[object.info.name] = object
            }
            for request in loaded.preauthenticatedRequests {
                bucket.preauthenticatedRequests[request.id] = request
            }
            self.buckets[loaded.bucket.name] = bucket
        }
    }

    // MARK: Buckets

    func createBucket(namespace: String, _ details: CreateBucketDetails, createdBy: String) throws(OCIError) -> BucketResource {
        try self.check(namespace: namespace)
        guard let name = details.name, !name.isEmpty else { throw .missingParameter("name is mandatory: give the bucket a name.") }
        guard let compartmentId = details.compartmentId, !compartmentId.isEmpty else {
            throw .missingParameter("compartmentId is mandatory: give the OCID of the compartment to create the bucket in.")
        }
        try Self.validate(bucketName: name)
        guard self.buckets[name] == nil else {
            throw OCIError(status: .conflict, code: "BucketAlreadyExists", message: "Either the bucket '\(name)' in namespace '\(namespace)' already exists or you are not authorized to create it.")
        }
        let resource = BucketResource(
            namespace: namespace, name: name, id: Identifiers.ocid("bucket"), compartmentId: compartmentId, createdBy: createdBy,
            timeCreated: Identifiers.timestamp(self.clock()), etag: Identifiers.etag(), metadata: details.metadata ?? [:],
            publicAccessType: details.publicAccessType ?? "NoPublicAccess", storageTier: details.storageTier ?? "Standard",
            objectEventsEnabled: details.objectEventsEnabled ?? false, versioning: "Disabled",
            freeformTags: details.freeformTags ?? [:], definedTags: details.definedTags ?? [:], replicationEnabled: false, isReadOnly: false
        )
        try self.persist { try $0.save(bucket: resource) }
        self.buckets[name] = Bucket(resource: resource)
        return resource
    }

    /// - Parameter approximateTotals: fill in `approximateCount` and `approximateSize` (GetBucket's `fields`).
    func bucket(namespace: String, name: String, approximateTotals: Bool = false) throws(OCIError) -> BucketResource {
        let bucket = try self.existingBucket(namespace: namespace, name)
        var resource = bucket.resource
        if approximateTotals {
            resource.approximateCount = bucket.objects.count
            resource.approximateSize = bucket.objects.values.reduce(0) { $0 + $1.info.size }
        }
        return resource
    }

    func listBuckets(namespace: String, compartmentId: String) throws(OCIError) -> [BucketSummary] {
        try self.check(namespace: namespace)
        return self.buckets.values.map(\.resource).filter { $0.compartmentId == compartmentId }
            .sorted { ObjectListing.precedes($0.name, $1.name) }.map(\.summary)
    }

    /// Deletes an empty bucket: no objects and no multipart upload in progress, as OCI requires.
    func deleteBucket(namespace: String, name: String, ifMatch: String?) throws(OCIError) {
        let bucket = try self.existingBucket(namespace: namespace, name)
        if let ifMatch, ifMatch != bucket.resource.etag {
            throw Self.ifMatchFailed(ifMatch)
        }
        guard bucket.objects.isEmpty, bucket.uploads.isEmpty else {
            throw OCIError(
                status: .conflict, code: "BucketNotEmpty",
                message: "Bucket named '\(name)' is not empty (\(bucket.objects.count) objects, \(bucket.uploads.count) multipart uploads in progress). Delete all objects and abort all uploads first."
            )
        }
        try self.persist { try $0.remove(bucket: name) }
        self.buckets[name] = nil
    }

    // MARK: Objects

    /// Stores an object. `contentMD5` is the client's Content-MD5 header, checked against the body;
    /// `ifMatch` / `ifNoneMatch: "*"` make the write conditional as in OCI.
    func putObject(
        namespace: String, bucket name: String, object objectName: String, bytes: [UInt8], properties: ObjectProperties,
        contentMD5: String?, ifMatch: String?, ifNoneMatch: String?
    ) throws(OCIError) -> ObjectInfo {
        // no copy of the bucket is kept here: one would make storing the object copy the whole bucket
        let existing = try self.existingBucket(namespace: namespace, name).objects[objectName]?.info
        try Self.validate(objectName: objectName)
        try Self.checkWrite(existing: existing, ifMatch: ifMatch, ifNoneMatch: ifNoneMatch)
        let md5 = Digest.md5Base64(bytes)
        if let contentMD5, contentMD5 != md5 {
            throw .invalidParameter("The computed MD5 of the request body (\(md5)) does not match the Content-MD5 header (\(contentMD5)).")
        }
        let now = self.clock()
        let info = ObjectInfo(
            name: objectName, size: bytes.count, md5: md5, multipartMD5: nil, etag: Identifiers.etag(),
            contentType: properties.contentType ?? "application/octet-stream", contentEncoding: properties.contentEncoding,
            contentLanguage: properties.contentLanguage, contentDisposition: properties.contentDisposition,
            cacheControl: properties.cacheControl, metadata: properties.metadata, timeCreated: existing?.timeCreated ?? now, timeModified: now,
            storageTier: properties.storageTier, versionId: Identifiers.etag()
        )
        try self.store(info, bytes: bytes, bucket: name)
        return info
    }

    func object(namespace: String, bucket: String, object name: String) throws(OCIError) -> (info: ObjectInfo, bytes: [UInt8]) {
        guard let object = try self.existingBucket(namespace: namespace, bucket).objects[name] else {
            throw Self.objectNotFound(name, bucket: bucket)
        }
        return object
    }

    func objectInfo(namespace: String, bucket: String, object name: String) throws(OCIError) -> ObjectInfo {
        guard let info = try self.existingBucket(namespace: namespace, bucket).objects[name]?.info else {
            throw Self.objectNotFound(name, bucket: bucket)
        }
        return info
    }

    /// Deletes an object; returns when, for the answer's `last-modified`.
    @discardableResult
    func deleteObject(namespace: String, bucket: String, object name: String, ifMatch: String?) throws(OCIError) -> Date {
        guard let info = try self.existingBucket(namespace: namespace, bucket).objects[name]?.info else {
            throw Self.objectNotFound(name, bucket: bucket)
        }
        if let ifMatch, ifMatch != info.etag {
            throw Self.ifMatchFailed(ifMatch)
        }
        try self.persist { try $0.remove(object: name, bucket: bucket) }
        self.buckets[bucket]?.objects[name] = nil
        return self.clock()
    }

    func listObjects(namespace: String, bucket: String, query: ListObjectsQuery) throws(OCIError) -> ListObjectsResult {
        ObjectListing.list(try self.selectedObjects(namespace: namespace, bucket: bucket, query: query), query: query)
    }

    /// The objects a listing query selects, in listing order.
    func selectedObjects(namespace: String, bucket: String, query: ListObjectsQuery) throws(OCIError) -> [ObjectInfo] {
        // only the objects the query selects are sorted: a listing of a small prefix stays cheap in a big bucket
        try self.existingBucket(namespace: namespace, bucket).objects.values.lazy.map(\.info)
            .filter { ObjectListing.isSelected($0.name, by: query) }
            .sorted { ObjectListing.precedes($0.name, $1.name) }
    }

    // MARK: Multipart uploads

    func createUpload(namespace: String, bucket name: String, _ details: CreateMultipartUploadDetails) throws(OCIError) -> MultipartUploadResource {
        _ = try self.existingBucket(namespace: namespace, name)
        guard let objectName = details.object else { throw .missingParameter("object is mandatory: name the object the upload will create.") }
        try Self.validate(objectName: objectName)
        let tier = try StorageTier.parse(given: details.storageTier, field: "storageTier") ?? .standard
        let resource = MultipartUploadResource(
            namespace: namespace, bucket: name, object: objectName, uploadId: UUID().uuidString.lowercased(),
            timeCreated: Identifiers.timestamp(self.clock()), storageTier: tier.rawValue
        )
        let properties = ObjectProperties(
            contentType: details.contentType, contentEncoding: details.contentEncoding, contentLanguage: details.contentLanguage,
            contentDisposition: details.contentDisposition, cacheControl: details.cacheControl,
            metadata: Self.userMetadata(details.metadata ?? [:]), storageTier: tier
        )
        self.buckets[name]?.uploads[resource.uploadId] = Upload(resource: resource, properties: properties)
        return resource
    }

    func uploadPart(
        namespace: String, bucket: String, object: String, uploadId: String, partNumber: Int, bytes: [UInt8], contentMD5: String?
    ) throws(OCIError) -> MultipartUploadPartSummary {
        _ = try self.upload(namespace: namespace, bucket: bucket, object: object, uploadId: uploadId)
        guard Self.partNumbers.contains(partNumber) else {
            throw .invalidParameter("uploadPartNum \(partNumber) is out of range; part numbers run from \(Self.partNumbers.lowerBound) to \(Self.partNumbers.upperBound).")
        }
        let md5 = Digest.md5Base64(bytes)
        if let contentMD5, contentMD5 != md5 {
            throw .invalidParameter("The computed MD5 of the request body (\(md5)) does not match the Content-MD5 header (\(contentMD5)).")
        }
        let summary = MultipartUploadPartSummary(partNumber: partNumber, etag: Identifiers.etag(), md5: md5, size: bytes.count)
        self.buckets[bucket]?.uploads[uploadId]?.parts[partNumber] = (summary, bytes)
        return summary
    }

    func listParts(namespace: String, bucket: String, object: String, uploadId: String) throws(OCIError) -> [MultipartUploadPartSummary] {
        try self.upload(namespace: namespace, bucket: bucket, object: object, uploadId: uploadId).parts.values.map(\.summary)
            .sorted { $0.partNumber < $1.partNumber }
    }

    func listUploads(namespace: String, bucket: String) throws(OCIError) -> [MultipartUploadResource] {
        try self.existingBucket(namespace: namespace, bucket).uploads.values.map(\.resource)
            .sorted { ($0.object, $0.timeCreated) < ($1.object, $1.timeCreated) }
    }

    /// Assembles the listed parts, in part-number order, into the object; parts not listed are dropped.
    func commitUpload(
        namespace: String, bucket: String, object: String, uploadId: String, _ details: CommitMultipartUploadDetails
    ) throws(OCIError) -> ObjectInfo {
        let upload = try self.upload(namespace: namespace, bucket: bucket, object: object, uploadId: uploadId)
        guard let requested = details.partsToCommit, !requested.isEmpty else {
            throw .missingParameter("partsToCommit is mandatory: list each part to commit as {\"partNum\": N, \"etag\": \"...\"}.")
        }
        var chosen: [(summary: MultipartUploadPartSummary, bytes: [UInt8])] = []
        for part in requested {
            guard let number = part.partNum, let etag = part.etag else {
                throw .missingParameter("Every entry of partsToCommit needs partNum and etag.")
            }
            guard let uploaded = upload.parts[number] else {
                throw .invalidParameter("Part \(number) was not uploaded to upload \(uploadId); upload it or leave it out of partsToCommit.")
            }
            guard uploaded.summary.etag == etag else {
                throw .invalidParameter("The etag given for part \(number) does not match the uploaded part's etag \(uploaded.summary.etag).")
            }
            chosen.append(uploaded)
        }
        chosen.sort { $0.summary.partNumber < $1.summary.partNumber }
        let bytes = chosen.flatMap(\.bytes)
        // OCI's multipart hash: MD5 over the parts' binary MD5s in order, then "-<part count>".
        let partDigests = chosen.flatMap { Array(Data(base64Encoded: $0.summary.md5) ?? Data()) }
        let now = self.clock()
        let existing = self.buckets[bucket]?.objects[object]?.info
        let info = ObjectInfo(
            name: object, size: bytes.count, md5: Digest.md5Base64(bytes),
            multipartMD5: "\(Digest.md5Base64(partDigests))-\(chosen.count)", etag: Identifiers.etag(),
            contentType: upload.properties.contentType ?? "application/octet-stream", contentEncoding: upload.properties.contentEncoding,
            contentLanguage: upload.properties.contentLanguage, contentDisposition: upload.properties.contentDisposition,
            cacheControl: upload.properties.cacheControl, metadata: upload.properties.metadata,
            timeCreated: existing?.timeCreated ?? now, timeModified: now, storageTier: upload.properties.storageTier, versionId: Identifiers.etag()
        )
        try self.store(info, bytes: bytes, bucket: bucket)
        self.buckets[bucket]?.uploads[uploadId] = nil
        return info
    }

    func abortUpload(namespace: String, bucket: String, object: String, uploadId: String) throws(OCIError) {
        _ = try self.upload(namespace: namespace, bucket: bucket, object: object, uploadId: uploadId)
        self.buckets[bucket]?.uploads[uploadId] = nil
    }

    // MARK: Helpers

    /// `opc-meta-*` names, lowercased and without the prefix, as OCI keeps user metadata.
    static func userMetadata(_ metadata: [String: String]) -> [String: String] {
        Dictionary(metadata.map { key, value in
            let lower = key.lowercased()
            return (lower.hasPrefix("opc-meta-") ? String(lower.dropFirst("opc-meta-".count)) : lower, value)
        }, uniquingKeysWith: { _, last in last })
    }

    func store(_ info: ObjectInfo, bytes: [UInt8], bucket: String) throws(OCIError) {
        try self.persist { try $0.save(object: info, bytes: bytes, bucket: bucket) }
        self.buckets[bucket]?.objects[info.name] = (info, bytes)
    }

    func persist(_ write: (ObjectStateDirectory) throws -> Void) throws(OCIError) {
        guard let disk = self.disk else { return }
        do {
            try write(disk)
        } catch {
            throw .internalError("The emulator could not write its state directory \(disk.root.path): \(error). Check that it is writable and has space.")
        }
    }

    func check(namespace: String) throws(OCIError) {
        guard namespace == self.namespace else {
            throw OCIError(status: .notFound, code: "NamespaceNotFound", message: "The namespace '\(namespace)' does not exist; this emulator serves the namespace '\(self.namespace)' (GET /n/ returns it).")
        }
    }

    func existingBucket(namespace: String, _ name: String) throws(OCIError) -> Bucket {
        try self.check(namespace: namespace)
        guard let bucket = self.buckets[name] else {
            throw OCIError(status: .notFound, code: "BucketNotFound", message: "Either the bucket named '\(name)' does not exist in the namespace '\(namespace)' or you are not authorized to access it")
        }
        return bucket
    }

    private func upload(namespace: String, bucket: String, object: String, uploadId: String) throws(OCIError) -> Upload {
        guard let upload = try self.existingBucket(namespace: namespace, bucket).uploads[uploadId], upload.resource.object == object else {
            throw OCIError(status: .notFound, code: "NoSuchUpload", message: "There is no multipart upload '\(uploadId)' for object '\(object)' in bucket '\(bucket)'; it was committed, aborted, or never created.")
        }
        return upload
    }

    static func checkWrite(existing: ObjectInfo?, ifMatch: String?, ifNoneMatch: String?) throws(OCIError) {
        if let ifMatch, ifMatch != existing?.etag {
            throw Self.ifMatchFailed(ifMatch)
        }
        if let ifNoneMatch, existing != nil, ifNoneMatch == "*" || ifNoneMatch == existing?.etag {
            throw OCIError(status: .preconditionFailed, code: "IfNoneMatchFailed", message: "The object already exists and if-none-match '\(ifNoneMatch)' forbids overwriting it.")
        }
    }

    static func ifMatchFailed(_ etag: String) -> OCIError {
        OCIError(status: .preconditionFailed, code: "IfMatchFailed", message: "The if-match etag '\(etag)' does not match the current etag; read the resource again and retry with its etag.")
    }

    static func objectNotFound(_ name: String, bucket: String) -> OCIError {
        OCIError(status: .notFound, code: "ObjectNotFound", message: "The object '\(name)' was not found in the bucket '\(bucket)'")
    }

    /// Bucket names: 1 to 256 letters, digits, '-', '_' and '.'.
    private static func validate(bucketName name: String) throws(OCIError) {
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
        guard allowed, name.count <= 256, name.contains(where: { $0 != "." }) else {
            throw .invalidParameter("The bucket name '\(name)' is not valid: use 1 to 256 letters, digits, '-', '_' and '.'.")
        }
    }

    /// Object names: 1 to 1024 bytes of UTF-8, no line feed, carriage return or NUL.
    static func validate(objectName name: String) throws(OCIError) {
        guard !name.isEmpty, name.utf8.count <= Self.maxObjectNameBytes, !name.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) else {
            throw .invalidParameter("The object name is not valid: use 1 to \(Self.maxObjectNameBytes) bytes of UTF-8 without line feed, carriage return or NUL.")
        }
    }
}
