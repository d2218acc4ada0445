// Object Storage models (API 20160918), as the service writes them.
import OFTransport

public struct Bucket: Codable, Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var compartmentId: String
    public var createdBy: String?
    public var timeCreated: String?
    public var etag: String?
    public var storageTier: String?
}

struct CreateBucketDetails: Encodable {
    var name: String
    var compartmentId: String
}

/// One entry of a listing; fields beyond `name` are there when asked for (listObjects asks for all).
public struct ObjectSummary: Codable, Sendable, Equatable {
    public var name: String
    public var size: Int?
    public var etag: String?
    public var md5: String?
    public var timeCreated: String?
    public var timeModified: String?
}

/// Everything under a prefix: objects, and with a delimiter the "folders" below the prefix.
public struct ObjectListing: Sendable, Equatable {
    public var objects: [ObjectSummary]
    public var prefixes: [String]
}

struct ListObjectsPage: Decodable {
    var objects: [ObjectSummary]
    var prefixes: [String]?
    var nextStartWith: String?
}

/// An object's properties, from the headers of a GET or HEAD answer.
public struct ObjectMetadata: Sendable, Equatable {
    /// Of the whole object (for a range, of the range sent).
    public var contentLength: Int
    public var contentType: String?
    public var etag: String?
    /// Base64 MD5 of the content, or for an object committed from parts the multipart MD5
    /// ("<base64>-<parts>").
    public var md5: String?
    public var lastModified: String?
    /// The opc-meta-* headers, without the prefix.
    public var userMetadata: [String: String]
    /// Every header of the answer.
    public var headers: HTTPHeaders

    init(headers: HTTPHeaders) {
        self.headers = headers
        contentLength = headers["content-length"].flatMap { Int($0) } ?? 0
        contentType = headers["content-type"]
        etag = headers["etag"]
        md5 = headers["content-md5"] ?? headers["opc-multipart-md5"]
        lastModified = headers["last-modified"]
        var meta: [String: String] = [:]
        for (name, value) in headers where name.lowercased().hasPrefix("opc-meta-") {
            meta[String(name.lowercased().dropFirst("opc-meta-".count))] = value
        }
        userMetadata = meta
    }
}

/// An object's content and properties.
public struct ObjectContent: Sendable {
    /// 200, or 206 for a range.
    public var status: Int
    public var metadata: ObjectMetadata
    /// Empty when a sink received the content.
    public var body: [UInt8]
}

/// What a put stored.
public struct PutObjectResult: Sendable, Equatable {
    public var etag: String?
    /// opc-content-md5 of a single put, opc-multipart-md5 of a multipart one.
    public var md5: String?
    /// 0 for a single put, else the number of parts.
    public var parts: Int
}

/// A part of a byte range of an object, as HTTP's Range header gives it.
public enum ByteRange: Sendable, Equatable {
    /// Bytes first through last, both included.
    case bytes(first: Int, last: Int)
    /// From `first` to the end.
    case from(Int)
    /// The last `count` bytes.
    case suffix(Int)

    func header() throws(ClientError) -> String {
        switch self {
        case .bytes(let first, let last) where first >= 0 && last >= first: return "bytes=\(first)-\(last)"
        case .from(let first) where first >= 0: return "bytes=\(first)-"
        case .suffix(let count) where count > 0: return "bytes=-\(count)"
        default:
            throw ClientError(.invalidArgument, "the byte range \(self) is empty or negative; give first <= last, both >= 0")
        }
    }
}

/// When and how puts are split into parts. The defaults follow the oci SDK's UploadManager
/// (128 MiB) for the threshold, with smaller parts sent several at a time.
public struct MultipartSettings: Sendable, Equatable {
    /// Objects larger than this are uploaded in parts. Default 128 MiB.
    public var threshold: Int
    /// Default 64 MiB; raised when an object would need more than 10,000 parts.
    public var partSize: Int
    /// Parts in flight at once. Default 4.
    public var concurrency: Int

    public init(threshold: Int = 128 << 20, partSize: Int = 64 << 20, concurrency: Int = 4) {
        self.threshold = threshold
        self.partSize = partSize
        self.concurrency = concurrency
    }

    /// The byte ranges of the parts of a `size`-byte object.
    func parts(of size: Int) -> [Range<Int>] {
        let maxParts = 10_000
        let minimum = (size + maxParts - 1) / maxParts
        let part = max(1, partSize, minimum)
        return stride(from: 0, to: size, by: part).map { $0..<min($0 + part, size) }
    }
}

struct MultipartUpload: Decodable {
    var uploadId: String
}

struct CreateMultipartUploadDetails: Encodable {
    var object: String
    var contentType: String?
    var metadata: [String: String]?
}

struct CommitMultipartUploadDetails: Encodable {
    struct Part: Encodable {
        var partNum: Int
        var etag: String
    }
    var partsToCommit: [Part]
}
