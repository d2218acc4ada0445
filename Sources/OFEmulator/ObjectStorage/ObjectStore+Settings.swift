import Foundation

/// Settings kept beside the objects: UpdateBucket, the namespace's metadata and bucket lifecycle policies.
extension ObjectStore {
    static let publicAccessTypes: Set = ["NoPublicAccess", "ObjectRead", "ObjectReadWithoutList"]

    /// UpdateBucket: the fields given replace the bucket's (`metadata` and the tags as whole maps); a new etag.
    func updateBucket(namespace: String, name: String, _ details: UpdateBucketDetails, ifMatch: String?) throws(OCIError) -> BucketResource {
        var resource = try self.existingBucket(namespace: namespace, name).resource
        if let ifMatch, ifMatch != resource.etag { throw Self.ifMatchFailed(ifMatch) }
        if let given = details.namespace, given != namespace {
            throw .invalidParameter("namespace '\(given)' in the body differs from the namespace '\(namespace)' of the path; a bucket cannot change namespace.")
        }
        if let given = details.name, given != name {
            throw .invalidParameter("Renaming a bucket ('\(name)' to '\(given)') is not served by the emulator; create a new bucket and copy the objects.")
        }
        if let given = details.publicAccessType, !Self.publicAccessTypes.contains(given) {
            throw .invalidParameter("publicAccessType '\(given)' is not one of \(Self.publicAccessTypes.sorted().joined(separator: ", ")).")
        }
        if let given = details.versioning {
            throw .invalidParameter("versioning '\(given)' is not served: the emulator keeps one version of each object; leave versioning out.")
        }
        if details.kmsKeyId != nil {
            throw .invalidParameter("kmsKeyId is not served: the emulator does not encrypt with customer keys; leave it out.")
        }
        if let given = details.autoTiering, given != "Disabled" {
            throw .invalidParameter("autoTiering '\(given)' is not served: the emulator does not move objects between tiers by itself; use Disabled or leave it out.")
        }
        if let compartmentId = details.compartmentId {
            guard !compartmentId.isEmpty else { throw .invalidParameter("compartmentId must not be empty: give the OCID of the compartment to move the bucket to.") }
            resource.compartmentId = compartmentId
        }
        resource.metadata = details.metadata ?? resource.metadata
        resource.publicAccessType = details.publicAccessType ?? resource.publicAccessType
        resource.objectEventsEnabled = details.objectEventsEnabled ?? resource.objectEventsEnabled
        resource.freeformTags = details.freeformTags ?? resource.freeformTags
        resource.definedTags = details.definedTags ?? resource.definedTags
        resource.etag = Identifiers.etag()
        try self.save(resource)
        return resource
    }

    // MARK: Namespace metadata

    func namespaceMetadata(namespace: String) throws(OCIError) -> NamespaceMetadata {
        try self.check(namespace: namespace)
        return self.keptNamespaceMetadata
    }

    func updateNamespaceMetadata(namespace: String, _ details: UpdateNamespaceMetadataDetails) throws(OCIError) -> NamespaceMetadata {
        try self.check(namespace: namespace)
        var metadata = self.keptNamespaceMetadata
        for (field, value) in [("defaultS3CompartmentId", details.defaultS3CompartmentId), ("defaultSwiftCompartmentId", details.defaultSwiftCompartmentId)] {
            if value?.isEmpty == true { throw .invalidParameter("\(field) must not be empty: give a compartment OCID, or leave it out.") }
        }
        metadata.defaultS3CompartmentId = details.defaultS3CompartmentId ?? metadata.defaultS3CompartmentId
        metadata.defaultSwiftCompartmentId = details.defaultSwiftCompartmentId ?? metadata.defaultSwiftCompartmentId
        try self.persist { try $0.save(namespaceMetadata: metadata) }
        self.keptNamespaceMetadata = metadata
        return metadata
    }

    // MARK: Lifecycle policies

    func lifecyclePolicy(namespace: String, bucket name: String) throws(OCIError) -> (policy: ObjectLifecyclePolicy, etag: String) {
        let bucket = try self.existingBucket(namespace: namespace, name)
        guard let policy = bucket.lifecyclePolicy, let etag = bucket.resource.objectLifecyclePolicyEtag else {
            throw Self.noLifecyclePolicy(name)
        }
        return (policy, etag)
    }

    /// Creates or replaces the bucket's policy; `ifNoneMatch: "*"` only creates.
    func putLifecyclePolicy(
        namespace: String, bucket name: String, _ details: PutObjectLifecyclePolicyDetails, ifMatch: String?, ifNoneMatch: String?
    ) throws(OCIError) -> (policy: ObjectLifecyclePolicy, etag: String) {
        let bucket = try self.existingBucket(namespace: namespace, name)
        let current = bucket.resource.objectLifecyclePolicyEtag
        if let ifMatch, ifMatch != current { throw Self.ifMatchFailed(ifMatch) }
        if let ifNoneMatch, let current, ifNoneMatch == "*" || ifNoneMatch == current {
            throw OCIError(status: .preconditionFailed, code: "IfNoneMatchFailed", message: "The bucket '\(name)' already has a lifecycle policy and if-none-match '\(ifNoneMatch)' forbids replacing it.")
        }
        guard let items = details.items else { throw .missingParameter("items is mandatory: give the policy's rules (an empty list for none).") }
        for (index, rule) in items.enumerated() {
            try rule.validate(index: index)
        }
        let policy = ObjectLifecyclePolicy(timeCreated: Identifiers.timestamp(self.clock()), items: items)
        var resource = bucket.resource
        resource.objectLifecyclePolicyEtag = Identifiers.etag()
        try self.persist { try $0.save(lifecyclePolicy: policy, bucket: name) }
        try self.save(resource)
        self.buckets[name]?.lifecyclePolicy = policy
        return (policy, resource.objectLifecyclePolicyEtag ?? "")
    }

    func deleteLifecyclePolicy(namespace: String, bucket name: String, ifMatch: String?) throws(OCIError) {
        let (_, etag) = try self.lifecyclePolicy(namespace: namespace, bucket: name)
        if let ifMatch, ifMatch != etag { throw Self.ifMatchFailed(ifMatch) }
        var resource = try self.existingBucket(namespace: namespace, name).resource
        resource.objectLifecyclePolicyEtag = nil
        try self.persist { try $0.save(lifecyclePolicy: nil, bucket: name) }
        try self.save(resource)
        self.buckets[name]?.lifecyclePolicy = nil
    }

    /// Writes a changed bucket resource through to disk, then keeps it.
    private func save(_ resource: BucketResource) throws(OCIError) {
        try self.persist { try $0.save(bucket: resource) }
        self.buckets[resource.name]?.resource = resource
    }

    private static func noLifecyclePolicy(_ bucket: String) -> OCIError {
        OCIError(status: .notFound, code: "LifecyclePolicyNotFound", message: "The bucket '\(bucket)' has no object lifecycle policy; PUT one to /l first.")
    }
}
