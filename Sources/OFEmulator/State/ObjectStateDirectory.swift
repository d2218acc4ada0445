import Foundation

/// Buckets and objects on disk, so they survive a restart of an emulator given a state directory.
///
/// Layout under `<state>/objectstorage/`: one folder per bucket, `bucket-<name>/` (or `bucket-sha256=<hex of the
/// name's SHA-256>/` for a name too long for a file name: OCI allows 256 characters), holding `bucket.json` and
/// `objects/<sha256 of the object name>.json` (the object's properties, name included) next to `.data` (its
/// bytes). Files are replaced atomically, so a crash leaves the old or the new version.
struct ObjectStateDirectory: Sendable {
    /// A bucket and its objects as read back from disk.
    struct LoadedBucket: Sendable {
        var bucket: BucketResource
        var objects: [(info: ObjectInfo, bytes: [UInt8])]
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
            result.append(LoadedBucket(bucket: bucket, objects: objects))
        }
        return result
    }

    func save(bucket: BucketResource) throws {
        let folder = self.folder(of: bucket.name)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("objects", isDirectory: true), withIntermediateDirectories: true)
        try Self.encoder().encode(bucket).write(to: folder.appendingPathComponent("bucket.json"), options: .atomic)
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

    private func folder(of bucket: String) -> URL {
        self.root.appendingPathComponent(Self.folderName(of: bucket), isDirectory: true)
    }

    /// Most file systems take names of at most 255 bytes.
    static let maxFileNameBytes = 255

    /// The bucket's name when it fits in a file name, else its hash; `=` is not allowed in bucket names, so the
    /// two never collide. The name itself is kept in `bucket.json`.
    static func folderName(of bucket: String) -> String {
        let readable = "bucket-" + bucket
        return readable.utf8.count <= Self.maxFileNameBytes ? readable : "bucket-sha256=" + Digest.sha256Hex(bucket)
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
