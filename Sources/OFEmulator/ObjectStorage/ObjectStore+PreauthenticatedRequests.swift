import Foundation

/// Pre-authenticated requests: their management (create, list, get, delete) and the check a request through a
/// PAR URL passes instead of a signature.
extension ObjectStore {
    static let bucketListingActions: Set = ["Deny", "ListObjects"]

    /// - Parameter baseURL: where the emulator is reached (`http://host:port`), for `fullPath`.
    func createPreauthenticatedRequest(
        namespace: String, bucket name: String, _ details: CreatePreauthenticatedRequestDetails, baseURL: String
    ) throws(OCIError) -> PreauthenticatedRequestSummary {
        _ = try self.existingBucket(namespace: namespace, name)
        guard let requestName = details.name, !requestName.isEmpty else { throw .missingParameter("name is mandatory: name the pre-authenticated request.") }
        let kinds = PreauthenticatedAccess.allCases.map(\.rawValue).joined(separator: ", ")
        guard let accessText = details.accessType else { throw .missingParameter("accessType is mandatory: one of \(kinds).") }
        guard let access = PreauthenticatedAccess(rawValue: accessText) else { throw .invalidParameter("accessType '\(accessText)' is not one of \(kinds).") }
        guard let expiresText = details.timeExpires else {
            throw .missingParameter("timeExpires is mandatory: give the RFC 3339 time the request stops working, such as 2030-01-01T00:00:00Z.")
        }
        guard let timeExpires = Identifiers.date(expiresText) else {
            throw .invalidParameter("timeExpires '\(expiresText)' is not an RFC 3339 time such as 2030-01-01T00:00:00Z.")
        }
        let now = self.clock()
        guard timeExpires > now else {
            throw .invalidParameter("timeExpires \(expiresText) is not in the future (now is \(Identifiers.timestamp(now))); give a later time.")
        }
        if let objectName = details.objectName {
            try Self.validate(objectName: objectName)
        } else if access.isForOneObject {
            throw .missingParameter("objectName is mandatory for accessType \(access.rawValue): name the object, or use an AnyObject access type for the whole bucket.")
        }
        if let listing = details.bucketListingAction {
            guard Self.bucketListingActions.contains(listing) else {
                throw .invalidParameter("bucketListingAction '\(listing)' is not one of Deny, ListObjects.")
            }
            guard listing == "Deny" || (!access.isForOneObject && access.reads) else {
                throw .invalidParameter("bucketListingAction ListObjects needs accessType AnyObjectRead or AnyObjectReadWrite, not \(access.rawValue).")
            }
        }
        let token = PreauthenticatedPath.newToken()
        let record = PreauthenticatedRequestRecord(
            id: UUID().uuidString.lowercased(), name: requestName, objectName: details.objectName,
            bucketListingAction: details.bucketListingAction, accessType: access, timeExpires: timeExpires, timeCreated: now,
            tokenDigest: Digest.sha256Hex(token))
        try self.setPreauthenticatedRequest(record, id: record.id, bucket: name)
        let accessUri = PreauthenticatedPath.accessUri(token: token, namespace: namespace, bucket: name, objectName: details.objectName, access: access)
        var created = record.summary
        created.accessUri = accessUri
        created.fullPath = baseURL + accessUri
        return created
    }

    /// Expired requests are listed too, as OCI lists them until it removes them.
    func listPreauthenticatedRequests(namespace: String, bucket name: String, objectNamePrefix: String?) throws(OCIError) -> [PreauthenticatedRequestSummary] {
        try self.existingBucket(namespace: namespace, name).preauthenticatedRequests.values
            .filter { record in objectNamePrefix.map { (record.objectName ?? "").utf8.starts(with: $0.utf8) } ?? true }
            .sorted { ($0.timeCreated, $0.id) < ($1.timeCreated, $1.id) }
            .map(\.summary)
    }

    func preauthenticatedRequest(namespace: String, bucket name: String, id: String) throws(OCIError) -> PreauthenticatedRequestSummary {
        try self.existingRequest(namespace: namespace, bucket: name, id: id).summary
    }

    func deletePreauthenticatedRequest(namespace: String, bucket name: String, id: String) throws(OCIError) {
        _ = try self.existingRequest(namespace: namespace, bucket: name, id: id)
        try self.setPreauthenticatedRequest(nil, id: id, bucket: name)
    }

    /// The live request a PAR URL's token belongs to, if it allows this use; else the same 404 for unknown,
    /// deleted, expired and not allowed, so a URL tells nothing about requests its bearer does not hold.
    /// - Parameter write: PutObject rather than GetObject or HeadObject; `object` "" asks to list the bucket.
    func authorize(_ path: PreauthenticatedPath, write: Bool) throws(OCIError) -> PreauthenticatedRequestRecord {
        guard path.namespace == self.namespace, let bucket = self.buckets[path.bucket] else { throw PreauthenticatedPath.notFound }
        let digest = Digest.sha256Hex(path.token)
        guard let record = bucket.preauthenticatedRequests.values.first(where: { $0.tokenDigest == digest }), !record.isExpired(at: self.clock()) else {
            throw PreauthenticatedPath.notFound
        }
        let allowed = path.object.isEmpty ? (!write && record.listsObjects) : record.grants(object: path.object, write: write)
        guard allowed else { throw PreauthenticatedPath.notFound }
        return record
    }

    /// Adds, replaces or (with nil) removes one request, on disk first.
    private func setPreauthenticatedRequest(_ record: PreauthenticatedRequestRecord?, id: String, bucket name: String) throws(OCIError) {
        var requests = self.buckets[name]?.preauthenticatedRequests ?? [:]
        requests[id] = record
        try self.persist { [requests] in try $0.save(preauthenticatedRequests: Array(requests.values), bucket: name) }
        self.buckets[name]?.preauthenticatedRequests = requests
    }

    private func existingRequest(namespace: String, bucket name: String, id: String) throws(OCIError) -> PreauthenticatedRequestRecord {
        guard let record = try self.existingBucket(namespace: namespace, name).preauthenticatedRequests[id] else {
            throw .notFound("The bucket '\(name)' has no pre-authenticated request '\(id)'; list them with GET /n/\(namespace)/b/\(name)/p.")
        }
        return record
    }
}
