import Foundation

/// A bucket as Object Storage returns it (GetBucket, CreateBucket).
struct BucketResource: Codable, Sendable, Equatable {
    var namespace: String
    var name: String
    var id: String
    var compartmentId: String
    var createdBy: String
    var timeCreated: String
    var etag: String
    var metadata: [String: String]
    var publicAccessType: String
    var storageTier: String
    var objectEventsEnabled: Bool
    var versioning: String
    var freeformTags: [String: String]
    var definedTags: [String: [String: JSONValue]]
    // Optional so that buckets written by earlier versions of the state directory still load.
    var replicationEnabled: Bool?
    var isReadOnly: Bool?
    /// The etag of the bucket's lifecycle policy, while it has one.
    var objectLifecyclePolicyEtag: String?
    /// Filled in only when GetBucket's `fields` asks for them.
    var approximateCount: Int?
    var approximateSize: Int?

    /// The ListBuckets entry.
    var summary: BucketSummary {
        BucketSummary(
            namespace: self.namespace, name: self.name, compartmentId: self.compartmentId, createdBy: self.createdBy,
            timeCreated: self.timeCreated, etag: self.etag, freeformTags: self.freeformTags, definedTags: self.definedTags
        )
    }
}

struct BucketSummary: Codable, Sendable, Equatable {
    var namespace: String
    var name: String
    var compartmentId: String
    var createdBy: String
    var timeCreated: String
    var etag: String
    var freeformTags: [String: String]
    var definedTags: [String: [String: JSONValue]]
}

struct CreateBucketDetails: Codable, Sendable {
    var name: String?
    var compartmentId: String?
    var metadata: [String: String]?
    var publicAccessType: String?
    var storageTier: String?
    var objectEventsEnabled: Bool?
    var freeformTags: [String: String]?
    var definedTags: [String: [String: JSONValue]]?
}

/// UpdateBucket's body: the fields given replace the bucket's, the others stay.
struct UpdateBucketDetails: Codable, Sendable {
    var namespace: String?
    var compartmentId: String?
    var name: String?
    var metadata: [String: String]?
    var publicAccessType: String?
    var objectEventsEnabled: Bool?
    var freeformTags: [String: String]?
    var definedTags: [String: [String: JSONValue]]?
    var kmsKeyId: String?
    var versioning: String?
    var autoTiering: String?
}

/// GetNamespaceMetadata's answer.
struct NamespaceMetadata: Codable, Sendable, Equatable {
    var namespace: String
    var defaultS3CompartmentId: String
    var defaultSwiftCompartmentId: String
}

struct UpdateNamespaceMetadataDetails: Codable, Sendable {
    var defaultS3CompartmentId: String?
    var defaultSwiftCompartmentId: String?
}

/// The storage tiers an object can be kept in. Archive is not served: archived objects need a restore
/// before they can be read, which the emulator does not model.
enum StorageTier: String, Codable, Sendable, CaseIterable {
    case standard = "Standard"
    case infrequentAccess = "InfrequentAccess"

    /// - Throws: 400 InvalidParameter naming the tiers served.
    static func parse(_ text: String, field: String) throws(OCIError) -> StorageTier {
        if let tier = StorageTier(rawValue: text) { return tier }
        if text == "Archive" {
            throw .invalidParameter("\(field) 'Archive' is not served by the emulator (archived objects need a restore it does not model); use Standard or InfrequentAccess.")
        }
        throw .invalidParameter("\(field) '\(text)' is not a storage tier; use Standard or InfrequentAccess.")
    }

    /// `parse` for an optional field: nil when not given.
    static func parse(given text: String?, field: String) throws(OCIError) -> StorageTier? {
        guard let text else { return nil }
        return try self.parse(text, field: field)
    }
}

struct RenameObjectDetails: Codable, Sendable {
    var sourceName: String?
    var newName: String?
    var srcObjIfMatchETag: String?
    var newObjIfMatchETag: String?
    var newObjIfNoneMatchETag: String?
}

struct CopyObjectDetails: Codable, Sendable {
    var sourceObjectName: String?
    var sourceObjectIfMatchETag: String?
    var sourceVersionId: String?
    var destinationRegion: String?
    var destinationNamespace: String?
    var destinationBucket: String?
    var destinationObjectName: String?
    var destinationObjectIfMatchETag: String?
    var destinationObjectIfNoneMatchETag: String?
    var destinationObjectMetadata: [String: String]?
    var destinationObjectStorageTier: String?
}

struct UpdateObjectStorageTierDetails: Codable, Sendable {
    var objectName: String?
    var storageTier: String?
    var versionId: String?
}

/// Everything kept about an object besides its bytes; also its on-disk record.
struct ObjectInfo: Codable, Sendable, Equatable {
    var name: String
    var size: Int
    /// base64 MD5 of the whole body (what PutObject reports as opc-content-md5 and GetObject as content-md5).
    var md5: String
    /// For objects assembled by CommitMultipartUpload: `<base64 md5 of the part md5s>-<part count>`.
    var multipartMD5: String?
    var etag: String
    var contentType: String
    var contentEncoding: String?
    var contentLanguage: String?
    var contentDisposition: String?
    var cacheControl: String?
    /// User metadata, `opc-meta-*` headers without the prefix, names lowercase.
    var metadata: [String: String]
    var timeCreated: Date
    var timeModified: Date
    /// nil for objects written before tiers were kept: they are Standard.
    var storageTier: StorageTier?
    /// OCI gives every object a version id, versioning on or off; nil for objects written before it was kept.
    var versionId: String?

    var tier: StorageTier { self.storageTier ?? .standard }
}

/// The properties a client can set on an object when it creates it (PutObject headers, CreateMultipartUpload body).
struct ObjectProperties: Sendable, Equatable {
    var contentType: String?
    var contentEncoding: String?
    var contentLanguage: String?
    var contentDisposition: String?
    var cacheControl: String?
    var metadata: [String: String] = [:]
    var storageTier: StorageTier = .standard
}

/// One ListObjects entry; fields not asked for stay nil and are left out of the JSON.
struct ObjectSummary: Codable, Sendable, Equatable {
    var name: String
    var size: Int?
    var etag: String?
    var md5: String?
    var timeCreated: String?
    var timeModified: String?
    var storageTier: String?
}

struct ListObjectsResult: Codable, Sendable, Equatable {
    var objects: [ObjectSummary]
    var prefixes: [String]?
    var nextStartWith: String?
}

struct CreateMultipartUploadDetails: Codable, Sendable {
    var object: String?
    var contentType: String?
    var contentLanguage: String?
    var contentEncoding: String?
    var contentDisposition: String?
    var cacheControl: String?
    var metadata: [String: String]?
    var storageTier: String?
}

struct MultipartUploadResource: Codable, Sendable, Equatable {
    var namespace: String
    var bucket: String
    var object: String
    var uploadId: String
    var timeCreated: String
    var storageTier: String
}

struct MultipartUploadPartSummary: Codable, Sendable, Equatable {
    var partNumber: Int
    var etag: String
    var md5: String
    var size: Int
}

struct CommitMultipartUploadDetails: Codable, Sendable {
    struct Part: Codable, Sendable {
        var partNum: Int?
        var etag: String?
    }
    var partsToCommit: [Part]?
    var partsToExclude: [Int]?
}

/// One ListObjectVersions entry; as in ListObjects, fields not asked for stay nil.
struct ObjectVersionSummary: Codable, Sendable, Equatable {
    var name: String
    var size: Int?
    var md5: String?
    var timeCreated: String?
    var timeModified: String?
    var etag: String?
    var storageTier: String?
    var versionId: String
    var isDeleteMarker: Bool
}

struct ObjectVersionCollection: Codable, Sendable, Equatable {
    var items: [ObjectVersionSummary]
    var prefixes: [String]?
}
