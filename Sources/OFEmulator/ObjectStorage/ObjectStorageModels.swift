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
}

/// The properties a client can set on an object when it creates it (PutObject headers, CreateMultipartUpload body).
struct ObjectProperties: Sendable, Equatable {
    var contentType: String?
    var contentEncoding: String?
    var contentLanguage: String?
    var contentDisposition: String?
    var cacheControl: String?
    var metadata: [String: String] = [:]
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
