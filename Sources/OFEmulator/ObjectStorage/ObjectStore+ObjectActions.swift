import Foundation

/// The object actions beyond put, get and delete: rename, copy (and its work request), storage tiers, versions.
extension ObjectStore {
    /// RenameObject: the object moves to the new name with a new etag; the source name is free afterwards.
    func renameObject(namespace: String, bucket name: String, _ details: RenameObjectDetails) throws(OCIError) -> ObjectInfo {
        let objects = try self.existingBucket(namespace: namespace, name).objects
        guard let sourceName = details.sourceName, !sourceName.isEmpty else { throw .missingParameter("sourceName is mandatory: name the object to rename.") }
        guard let newName = details.newName else { throw .missingParameter("newName is mandatory: give the object's new name.") }
        try Self.validate(objectName: newName)
        guard let (info, bytes) = objects[sourceName] else { throw Self.objectNotFound(sourceName, bucket: name) }
        if let etag = details.srcObjIfMatchETag, etag != info.etag { throw Self.ifMatchFailed(etag) }
        try Self.checkWrite(existing: objects[newName]?.info, ifMatch: details.newObjIfMatchETag, ifNoneMatch: details.newObjIfNoneMatchETag)
        guard newName != sourceName else { return info }
        var renamed = info
        renamed.name = newName
        renamed.etag = Identifiers.etag()
        renamed.timeModified = self.clock()
        try self.store(renamed, bytes: bytes, bucket: name)
        try self.persist { try $0.remove(object: sourceName, bucket: name) }
        self.buckets[name]?.objects[sourceName] = nil
        return renamed
    }

    /// CopyObject within the emulator (any destination region names it). The copy is made before the answer,
    /// so the work request returned is COMPLETED. Without destination metadata the source's is kept; without a
    /// destination tier the object gets the destination bucket's, as OCI documents.
    func copyObject(namespace: String, bucket name: String, _ details: CopyObjectDetails) throws(OCIError) -> ObjectWorkRequest {
        let source = try self.existingBucket(namespace: namespace, name)
        guard let sourceName = details.sourceObjectName, !sourceName.isEmpty else {
            throw .missingParameter("sourceObjectName is mandatory: name the object to copy.")
        }
        guard details.destinationRegion?.isEmpty == false else {
            throw .missingParameter("destinationRegion is mandatory: give the region to copy to (the emulator serves every region name as itself).")
        }
        guard let destinationNamespace = details.destinationNamespace, !destinationNamespace.isEmpty else {
            throw .missingParameter("destinationNamespace is mandatory: give the namespace to copy to ('\(self.namespace)').")
        }
        guard let destinationBucket = details.destinationBucket, !destinationBucket.isEmpty else {
            throw .missingParameter("destinationBucket is mandatory: name the bucket to copy to.")
        }
        guard let destinationName = details.destinationObjectName, !destinationName.isEmpty else {
            throw .missingParameter("destinationObjectName is mandatory: name the copy.")
        }
        try Self.validate(objectName: destinationName)
        guard let (info, bytes) = source.objects[sourceName] else { throw Self.objectNotFound(sourceName, bucket: name) }
        if let etag = details.sourceObjectIfMatchETag, etag != info.etag { throw Self.ifMatchFailed(etag) }
        if let versionId = details.sourceVersionId, versionId != (info.versionId ?? info.etag) {
            throw Self.noSuchVersion(versionId, of: sourceName)
        }
        let destination = try self.existingBucket(namespace: destinationNamespace, destinationBucket)
        try Self.checkWrite(
            existing: destination.objects[destinationName]?.info, ifMatch: details.destinationObjectIfMatchETag,
            ifNoneMatch: details.destinationObjectIfNoneMatchETag)
        let tier = try StorageTier.parse(given: details.destinationObjectStorageTier, field: "destinationObjectStorageTier")
        let now = self.clock()
        var copy = info
        copy.name = destinationName
        copy.etag = Identifiers.etag()
        copy.versionId = Identifiers.etag()
        copy.metadata = details.destinationObjectMetadata.map(Self.userMetadata) ?? info.metadata
        copy.storageTier = tier ?? StorageTier(rawValue: destination.resource.storageTier) ?? .standard
        copy.timeCreated = destination.objects[destinationName]?.info.timeCreated ?? now
        copy.timeModified = now
        try self.store(copy, bytes: bytes, bucket: destinationBucket)
        let request = ObjectWorkRequest.completedCopy(
            compartmentId: source.resource.compartmentId,
            source: ObjectLocation(namespace: namespace, bucket: name, object: sourceName),
            destination: ObjectLocation(namespace: destinationNamespace, bucket: destinationBucket, object: destinationName), at: now)
        self.workRequests[request.id] = request
        return request
    }

    func workRequest(id: String) throws(OCIError) -> ObjectWorkRequest {
        guard let request = self.workRequests[id] else {
            throw .notAuthorizedOrNotFound("there is no Object Storage work request '\(id)' (work requests are kept until the emulator stops)")
        }
        return request
    }

    func listWorkRequests(compartmentId: String) -> [ObjectWorkRequest] {
        self.workRequests.values.filter { $0.compartmentId == compartmentId }.sorted { ($0.timeAccepted, $0.id) < ($1.timeAccepted, $1.id) }
    }

    /// UpdateObjectStorageTier: the object keeps its bytes, etag and times.
    func updateStorageTier(namespace: String, bucket name: String, _ details: UpdateObjectStorageTierDetails) throws(OCIError) {
        let objects = try self.existingBucket(namespace: namespace, name).objects
        guard let objectName = details.objectName, !objectName.isEmpty else { throw .missingParameter("objectName is mandatory: name the object to move.") }
        guard let text = details.storageTier else { throw .missingParameter("storageTier is mandatory: Standard or InfrequentAccess.") }
        let tier = try StorageTier.parse(text, field: "storageTier")
        guard let (current, bytes) = objects[objectName] else { throw Self.objectNotFound(objectName, bucket: name) }
        var info = current
        if let versionId = details.versionId, versionId != (info.versionId ?? info.etag) {
            throw Self.noSuchVersion(versionId, of: objectName)
        }
        info.storageTier = tier
        try self.store(info, bytes: bytes, bucket: name)
    }

    /// ListObjectVersions of a bucket with versioning off: every object is one current version.
    func listObjectVersions(namespace: String, bucket: String, query: ListObjectsQuery) throws(OCIError) -> (collection: ObjectVersionCollection, nextPage: String?) {
        ObjectListing.listVersions(try self.selectedObjects(namespace: namespace, bucket: bucket, query: query), query: query)
    }

    private static func noSuchVersion(_ versionId: String, of object: String) -> OCIError {
        OCIError(status: .notFound, code: "ObjectNotFound", message: "The object '\(object)' has no version '\(versionId)'; versioning is off, so only its current version exists.")
    }
}
