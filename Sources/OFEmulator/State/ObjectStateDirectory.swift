import Foundation

/// Buckets and objects on disk, so they survive a restart of an emulator given a state directory.
///
/// Layout under `<state>/objectstorage/`: `namespace.json` (the namespace's metadata, once updated) and one
/// folder per bucket, `bucket-<name>/`, holding `bucket.json`, `preauthenticated-requests.json` and
/// `lifecycle-policy.json` (when it has them) and `objects/<sha256 of the object name>.json` (the object's
/// properties, name included) next to `.data` (its bytes). Files are replaced atomically, so a crash leaves the
/// old or the new version.
struct ObjectStateDirectory: Sendable {
    /// A bucket and its objects as read back from disk.
    struct LoadedBucket: Sendable {
        var bucket: BucketResource
        var objects: [(info: ObjectInfo, bytes: [UInt8])]
        var preauthenticatedRequests: [PreauthenticatedRequestRecord]
        var lifecyclePolicy: ObjectLifecyclePolicy?
    }

    let root: URL

    init(stateDirectory: String) {
        self.root = URL(fileURLWithPath: stateDirectory).appendingPathComponent("objectstorage", isDirectory: true)
    }

    func load() throws -> [LoadedBucket] {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: self.root.path) else { return [] }
        let decoder = Self.decoder()
        var result: [LoadedBucket] = []
        for folder in try fileManager.contentsOfDirectory(at: self.root, includingPropertiesForKeys: nil) where folder.lastPathComponent.hasPrefix("bucket-") {
            let bucket = try decoder.decode(BucketResource.self, from: Data(contentsOf: folder.appendingPathComponent("bucket.json")))
            let objectsFolder = folder.appendingPathComponent("objects", isDirectory: true)
            var objects: [(info: ObjectInfo, bytes: [UInt8])] = []
            let files = (try? fileManager.contentsOfDirectory(at: objectsFolder, includingPropertiesForKeys: nil)) ?? []
            for file in files where file.pathExtension == "json" {
                let info = try decoder.decode(ObjectInfo.self, from: Data(contentsOf: file))
                let bytes = try Data(contentsOf: file.deletingPathExtension().appendingPathExtension("data"))
                objects.append((info, [UInt8](bytes)))
            }
            let requests = try Self.readIfPresent([PreauthenticatedRequestRecord].self, at: folder.appendingPathComponent(Self.preauthenticatedRequestsFile))
            let policy = try Self.readIfPresent(ObjectLifecyclePolicy.self, at: folder.appendingPathComponent(Self.lifecyclePolicyFile))
            result.append(LoadedBucket(bucket: bucket, objects: objects, preauthenticatedRequests: requests ?? [], lifecyclePolicy: policy))
        }
        return result
    }

    func save(bucket: BucketResource) throws {
        let folder = self.folder(of: bucket.name)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("objects", isDirectory: true), withIntermediateDirectories: true)
        try Self.encoder().encode(bucket).write(to: folder.appendingPathComponent("bucket.json"), options: .atomic)
    }

    func loadNamespaceMetadata() throws -> NamespaceMetadata? {
        try Self.readIfPresent(NamespaceMetadata.self, at: self.root.appendingPathComponent(Self.namespaceFile))
    }

    func save(namespaceMetadata: NamespaceMetadata) throws {
        try FileManager.default.createDirectory(at: self.root, withIntermediateDirectories: true)
        try Self.encoder().encode(namespaceMetadata).write(to: self.root.appendingPathComponent(Self.namespaceFile), options: .atomic)
    }

    /// All of a bucket's pre-authenticated requests, in one file: they are few and change rarely.
    func save(preauthenticatedRequests: [PreauthenticatedRequestRecord], bucket: String) throws {
        let sorted = preauthenticatedRequests.sorted { $0.id < $1.id }
        try Self.encoder().encode(sorted).write(to: self.folder(of: bucket).appendingPathComponent(Self.preauthenticatedRequestsFile), options: .atomic)
    }

    /// Writes the policy, or removes the file for nil.
    func save(lifecyclePolicy: ObjectLifecyclePolicy?, bucket: String) throws {
        let file = self.folder(of: bucket).appendingPathComponent(Self.lifecyclePolicyFile)
        guard let lifecyclePolicy else {
            if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
            return
        }
        try Self.encoder().encode(lifecyclePolicy).write(to: file, options: .atomic)
    }

    func remove(bucket name: String) throws {
        try FileManager.default.removeItem(at: self.folder(of: name))
    }

    /// Writes the bytes first, then the record that points at them.
    func save(object info: ObjectInfo, bytes: [UInt8], bucket: String) throws {
        let base = self.objectBase(info.name, bucket: bucket)
        try Data(bytes).write(to: base.appendingPathExtension("data"), options: .atomic)
        try Self.encoder().encode(info).write(to: base.appendingPathExtension("json"), options: .atomic)
    }

    func remove(object name: String, bucket: String) throws {
        let base = self.objectBase(name, bucket: bucket)
        try FileManager.default.removeItem(at: base.appendingPathExtension("json"))
        try? FileManager.default.removeItem(at: base.appendingPathExtension("data"))
    }

    private static let namespaceFile = "namespace.json"
    private static let preauthenticatedRequestsFile = "preauthenticated-requests.json"
    private static let lifecyclePolicyFile = "lifecycle-policy.json"

    private static func readIfPresent<Value: Decodable>(_ type: Value.Type, at file: URL) throws -> Value? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        return try self.decoder().decode(type, from: Data(contentsOf: file))
    }

    private func folder(of bucket: String) -> URL {
        self.root.appendingPathComponent("bucket-" + bucket, isDirectory: true)
    }

    private func objectBase(_ name: String, bucket: String) -> URL {
        self.folder(of: bucket).appendingPathComponent("objects", isDirectory: true).appendingPathComponent(Digest.sha256Hex(name))
    }

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }

    private static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }
}
