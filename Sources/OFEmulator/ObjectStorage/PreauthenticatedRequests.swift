import Foundation

/// CreatePreauthenticatedRequest's body.
struct CreatePreauthenticatedRequestDetails: Codable, Sendable {
    var name: String?
    var bucketListingAction: String?
    var objectName: String?
    var accessType: String?
    var timeExpires: String?
}

/// What a pre-authenticated request lets its bearer do.
enum PreauthenticatedAccess: String, Codable, Sendable, CaseIterable {
    case objectRead = "ObjectRead"
    case objectWrite = "ObjectWrite"
    case objectReadWrite = "ObjectReadWrite"
    case anyObjectRead = "AnyObjectRead"
    case anyObjectWrite = "AnyObjectWrite"
    case anyObjectReadWrite = "AnyObjectReadWrite"

    var reads: Bool { [.objectRead, .objectReadWrite, .anyObjectRead, .anyObjectReadWrite].contains(self) }
    var writes: Bool { [.objectWrite, .objectReadWrite, .anyObjectWrite, .anyObjectReadWrite].contains(self) }
    /// The Object* kinds name one object; the AnyObject* kinds a bucket, or the objects under a prefix.
    var isForOneObject: Bool { [.objectRead, .objectWrite, .objectReadWrite].contains(self) }
}

/// A pre-authenticated request as the emulator keeps it (also its on-disk record). The token itself is not
/// kept, only its SHA-256: the URL is shown once, at creation, as in OCI.
struct PreauthenticatedRequestRecord: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var objectName: String?
    var bucketListingAction: String?
    var accessType: PreauthenticatedAccess
    var timeExpires: Date
    var timeCreated: Date
    var tokenDigest: String

    var summary: PreauthenticatedRequestSummary {
        PreauthenticatedRequestSummary(
            id: self.id, name: self.name, accessUri: nil, objectName: self.objectName, bucketListingAction: self.bucketListingAction,
            accessType: self.accessType.rawValue, timeExpires: Identifiers.timestamp(self.timeExpires),
            timeCreated: Identifiers.timestamp(self.timeCreated), fullPath: nil)
    }

    var listsObjects: Bool { self.bucketListingAction == "ListObjects" }

    func isExpired(at now: Date) -> Bool { now >= self.timeExpires }

    /// Whether the request lets its bearer read (or write) the object `name`.
    func grants(object name: String, write: Bool) -> Bool {
        guard write ? self.accessType.writes : self.accessType.reads else { return false }
        if self.accessType.isForOneObject { return name == self.objectName }
        return name.utf8.starts(with: (self.objectName ?? "").utf8)
    }
}

/// A pre-authenticated request as the API shows it: GetPreauthenticatedRequest's and ListPreauthenticatedRequests'
/// entries, and CreatePreauthenticatedRequest's answer, the only one with the URL that carries the token.
struct PreauthenticatedRequestSummary: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var accessUri: String?
    var objectName: String?
    var bucketListingAction: String?
    var accessType: String
    var timeExpires: String
    var timeCreated: String
    var fullPath: String?
}

/// The parts of a pre-authenticated URL, `/p/{token}/n/{namespace}/b/{bucket}/o/{object}`.
struct PreauthenticatedPath: Sendable, Equatable {
    static let prefix = "/p/"

    let token: String
    let namespace: String
    let bucket: String
    /// "" for the bucket itself (`.../o/` or `.../o`), which lists its objects.
    let object: String

    init(path: String) throws(OCIError) {
        let (segments, rest) = RequestParts.splitPath(path, leading: 6)
        guard segments.count == 6, segments[0] == "p", !segments[1].isEmpty, segments[2] == "n", segments[4] == "b", let rest else {
            throw Self.notFound
        }
        let (objectSegments, object) = RequestParts.splitPath(String(rest), leading: 1)
        guard objectSegments == ["o"] else { throw Self.notFound }
        self.token = String(segments[1])
        self.namespace = try RequestParts.pathDecode(segments[3])
        self.bucket = try RequestParts.pathDecode(segments[5])
        self.object = try RequestParts.pathDecode(object ?? "")
    }

    /// The answer to any URL that is not a live pre-authenticated request: unknown, deleted and expired look alike.
    static let notFound = OCIError.notAuthorizedOrNotFound("no live pre-authenticated request has this URL (it may have expired or been deleted)")

    /// A fresh unguessable token, URL-safe.
    static func newToken() -> String {
        let bytes = (0..<48).map { _ in UInt8.random(in: 0...255) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func accessUri(token: String, namespace: String, bucket: String, objectName: String?, access: PreauthenticatedAccess) -> String {
        let object = access.isForOneObject ? Self.encode(objectName ?? "") : ""
        return "/p/\(token)/n/\(Self.encode(namespace))/b/\(Self.encode(bucket))/o/\(object)"
    }

    private static func encode(_ segment: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}
