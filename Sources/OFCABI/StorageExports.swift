// Object Storage from C: put, get (with ranges; to memory, a file or a descriptor), head, list, delete,
// create bucket.
import COraclefnTypes
import FoundationEssentials
import Glibc
import OFConfig
import OFServices
import OFTransport
import OFLocking

final class StorageHandle: Handle {
    let storage: ObjectStorageClient
    let defaultBucket: String?

    init(_ session: Session) {
        storage = session.objects
        defaultBucket = session.configuration.storage.storageBucket
    }

    /// Object Storage's longest bucket name (256 characters, ASCII) and object name (1024 bytes of UTF-8).
    static let bucketLimit = 256
    static let keyLimit = 1024

    /// An object name argument, at most `keyLimit` bytes.
    static func key(_ p: UnsafePointer<CChar>?, _ name: String = "key") throws(CError) -> String {
        try Marshal.string(p, name, limit: keyLimit)
    }

    /// The bucket named, or with NULL the configuration's oracle_oss.storage_bucket.
    func bucket(_ name: UnsafePointer<CChar>?) throws -> String {
        if let given = try Marshal.optionalString(name, "bucket", limit: Self.bucketLimit) { return given }
        guard let defaultBucket else {
            throw CError.invalid("bucket is NULL and the configuration has no storage_bucket in its oracle_oss section; name a bucket or set storage_bucket")
        }
        return defaultBucket
    }
}

/// The Object Storage client of a session, for its configuration's
/// oracle_oss section (its endpoint, or the region's). Free it with
/// ofn_storage_free().
@c(ofn_storage_new)
public func ofnStorageNew(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ session: OpaquePointer?) -> ofn_status {
    guarded {
        guard let out else { throw CError.invalid("out must not be NULL") }
        out.pointee = nil
        out.pointee = StorageHandle(try SessionHandle.session(session)).register()
    }
}

@c(ofn_storage_free)
public func ofnStorageFree(_ storage: OpaquePointer?) { Handle.release(storage, as: StorageHandle.self) }

/// The tenancy's Object Storage namespace (also the one its container
/// registry names images with) in `out`: the configured tenancy_namespace,
/// else asked of the service once per handle.
@c(ofn_storage_namespace)
public func ofnStorageNamespace(_ out: UnsafeMutablePointer<ofn_buf>?, _ storage: OpaquePointer?) -> ofn_status {
    guarded {
        let out = try Marshal.output(out)
        let handle = try Handle.borrow(storage, as: StorageHandle.self, "storage")
        let namespace = try blocking { try await handle.storage.namespace() }
        try Marshal.fill(out, namespace)
    }
}

/// Creates a bucket in the configured compartment. `bucket` NULL means the
/// configured storage_bucket. An existing bucket gives OFN_ECONFLICT.
@c(ofn_storage_create_bucket)
public func ofnStorageCreateBucket(_ storage: OpaquePointer?, _ bucket: UnsafePointer<CChar>?) -> ofn_status {
    guarded {
        let handle = try Handle.borrow(storage, as: StorageHandle.self, "storage")
        let name = try handle.bucket(bucket)
        _ = try blocking { try await handle.storage.createBucket(name) }
    }
}

/// Stores `size` bytes at `data` as object `key` (in parts when large; the
/// bytes are read in place while the call runs). `content_type` NULL means
/// application/octet-stream.
@c(ofn_storage_put)
public func ofnStoragePut(
    _ storage: OpaquePointer?, _ bucket: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?, _ data: UnsafeRawPointer?,
    _ size: Int, _ contentType: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let handle = try Handle.borrow(storage, as: StorageHandle.self, "storage")
        let (bucket, key) = (try handle.bucket(bucket), try StorageHandle.key(key))
        let type = try Marshal.optionalString(contentType, "content_type", limit: StorageHandle.keyLimit) ?? "application/octet-stream"
        try Marshal.checkBuffer(data, size, "data")
        let body = UnsafeBytesSource(borrowing: UnsafeRawBufferPointer(start: data, count: size))
        _ = try blocking { try await handle.storage.putObject(bucket: bucket, name: key, body: .source(body), contentType: type) }
    }
}

/// Stores the file at `path` as object `key`, read while it is sent (in parts
/// when large), so it is never held in memory whole.
@c(ofn_storage_put_file)
public func ofnStoragePutFile(
    _ storage: OpaquePointer?, _ bucket: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?,
    _ contentType: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let handle = try Handle.borrow(storage, as: StorageHandle.self, "storage")
        let (bucket, key) = (try handle.bucket(bucket), try StorageHandle.key(key))
        let source = try FileSource(path: try Marshal.string(path, "path"))
        let type = try Marshal.optionalString(contentType, "content_type", limit: StorageHandle.keyLimit) ?? "application/octet-stream"
        _ = try blocking { try await handle.storage.putObject(bucket: bucket, name: key, body: .source(source), contentType: type) }
    }
}

/// Stores the rest of the regular file open on `fd`, from its current position to its end, as object `key`:
/// read while it is sent (in parts when large), never held in memory whole. The descriptor is the caller's:
/// it is neither moved nor closed.
@c(ofn_storage_put_fd)
public func ofnStoragePutFd(
    _ storage: OpaquePointer?, _ bucket: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?, _ fd: Int32,
    _ contentType: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let handle = try Handle.borrow(storage, as: StorageHandle.self, "storage")
        let (bucket, key) = (try handle.bucket(bucket), try StorageHandle.key(key))
        let type = try Marshal.optionalString(contentType, "content_type") ?? "application/octet-stream"
        guard fd >= 0 else { throw CError.invalid("fd \(fd) is not a file descriptor; pass one open for reading") }
        let file = try FileSource(descriptor: fd)
        let position = Int(max(0, lseek(fd, 0, SEEK_CUR)))
        let body = position == 0 ? file : file.slice(min(position, file.count)..<file.count)
        _ = try blocking { try await handle.storage.putObject(bucket: bucket, name: key, body: .source(body), contentType: type) }
    }
}

/// Reads object `key` into `out`. A range as HTTP writes it: `first` and `last`
/// both included; `last` -1 reads from `first` to the end; `first` -1 reads the
/// last `last` bytes; both -1 read the whole object. A missing object gives
/// OFN_ENOTFOUND.
@c(ofn_storage_get)
public func ofnStorageGet(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ storage: OpaquePointer?, _ bucket: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?,
    _ first: Int64, _ last: Int64
) -> ofn_status {
    guarded {
        let out = try Marshal.output(out)
        let handle = try Handle.borrow(storage, as: StorageHandle.self, "storage")
        let (bucket, key) = (try handle.bucket(bucket), try StorageHandle.key(key))
        let range = try byteRange(first, last)
        let sink = MallocSink()
        _ = try blocking { try await handle.storage.getObject(bucket: bucket, name: key, range: range, sink: sink) }
        try sink.hand(to: out)
    }
}

/// Writes object `key` (or the range `first`-`last`, as ofn_storage_get takes it) to the file at `path` as it
/// arrives, so memory stays small whatever the object's size. The file is created (mode 0666 less the umask) or
/// truncated once the service answers with the object; a download that fails after that removes it.
@c(ofn_storage_get_file)
public func ofnStorageGetFile(
    _ storage: OpaquePointer?, _ bucket: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?,
    _ first: Int64, _ last: Int64
) -> ofn_status {
    guarded {
        try download(storage, bucket, key, first, last, FileSink(.path(try Marshal.string(path, "path"))))
    }
}

/// Writes object `key` (or the range `first`-`last`, as ofn_storage_get takes it) to the descriptor `fd` from
/// its current position, as it arrives. The descriptor is the caller's and stays open; a download that fails
/// may leave part of the object written to it. When an answer breaks off and is retried, a seekable descriptor
/// is put back and truncated where it started; a pipe or socket that already took bytes cannot be, and the call
/// fails saying so. A writer whose reader went away gets SIGPIPE unless the program ignores it.
@c(ofn_storage_get_fd)
public func ofnStorageGetFd(
    _ storage: OpaquePointer?, _ bucket: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?, _ fd: Int32,
    _ first: Int64, _ last: Int64
) -> ofn_status {
    guarded {
        guard fd >= 0, fcntl(fd, F_GETFL) != -1 else { throw CError.invalid("fd \(fd) is not an open file descriptor; pass one open for writing") }
        try download(storage, bucket, key, first, last, FileSink(.descriptor(fd)))
    }
}

private func download(
    _ storage: OpaquePointer?, _ bucket: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?, _ first: Int64, _ last: Int64,
    _ file: FileSink
) throws {
    let handle = try Handle.borrow(storage, as: StorageHandle.self, "storage")
    let (bucket, key) = (try handle.bucket(bucket), try StorageHandle.key(key))
    let range = try byteRange(first, last)
    _ = try blocking { try await handle.storage.download(bucket: bucket, name: key, range: range, to: file) }
}

/// The range ofn_storage_get and the download exports take: HTTP's, `first` and `last` both included; `last` -1
/// reads from `first` to the end; `first` -1 reads the last `last` bytes; both -1 (nil) the whole object.
private func byteRange(_ first: Int64, _ last: Int64) throws(CError) -> ByteRange? {
    switch (first, last) {
    case (-1, -1): nil
    case (0..., -1): .from(Int(first))
    case (-1, 1...): .suffix(Int(last))
    case (0..., 0...) where last >= first: .bytes(first: Int(first), last: Int(last))
    default: throw CError.invalid("the range \(first)-\(last) is not valid: give first <= last, first -1 for the last bytes, last -1 for up to the end, or both -1")
    }
}

/// The object's properties as a JSON object of its headers (names in lowercase,
/// e.g. "content-length", "etag", "content-md5", "opc-meta-*").
@c(ofn_storage_head)
public func ofnStorageHead(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ storage: OpaquePointer?, _ bucket: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let out = try Marshal.output(out)
        let handle = try Handle.borrow(storage, as: StorageHandle.self, "storage")
        let (bucket, key) = (try handle.bucket(bucket), try StorageHandle.key(key))
        let metadata = try blocking { try await handle.storage.headObject(bucket: bucket, name: key) }
        var headers: [(String, ConfigValue)] = []
        for (name, value) in metadata.headers where !headers.contains(where: { $0.0 == name.lowercased() }) {
            headers.append((name.lowercased(), .string(value)))
        }
        try Marshal.fill(out, ConfigValue.map(headers).json)
    }
}

/// Every object whose name starts with `prefix` (NULL: all), as JSON
/// {"objects": [{"name", "size", "etag", "md5", "timeCreated", "timeModified"}],
/// "prefixes": [...]}. With `delimiter` "/", names with a further "/" after the
/// prefix are folded into "prefixes".
@c(ofn_storage_list)
public func ofnStorageList(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ storage: OpaquePointer?, _ bucket: UnsafePointer<CChar>?, _ prefix: UnsafePointer<CChar>?,
    _ delimiter: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        let out = try Marshal.output(out)
        let handle = try Handle.borrow(storage, as: StorageHandle.self, "storage")
        let bucket = try handle.bucket(bucket)
        let (prefix, delimiter) = (try Marshal.optionalString(prefix, "prefix", limit: StorageHandle.keyLimit), try Marshal.optionalString(delimiter, "delimiter", limit: StorageHandle.keyLimit))
        let listing = try blocking { try await handle.storage.listObjects(bucket: bucket, prefix: prefix, delimiter: delimiter) }
        try Marshal.fill(out, try CJSON.encode(ListingJSON(objects: listing.objects, prefixes: listing.prefixes)))
    }
}

private struct ListingJSON: Encodable {
    let objects: [ObjectSummary]
    let prefixes: [String]
}

/// Deletes object `key`; a missing one gives OFN_ENOTFOUND.
@c(ofn_storage_delete)
public func ofnStorageDelete(_ storage: OpaquePointer?, _ bucket: UnsafePointer<CChar>?, _ key: UnsafePointer<CChar>?) -> ofn_status {
    guarded {
        let handle = try Handle.borrow(storage, as: StorageHandle.self, "storage")
        let (bucket, key) = (try handle.bucket(bucket), try StorageHandle.key(key))
        try blocking { try await handle.storage.deleteObject(bucket: bucket, name: key) }
    }
}

/// Deletes the objects named in `keys_json` (a JSON array of strings), several
/// at a time; ones already gone count as deleted.
@c(ofn_storage_delete_many)
public func ofnStorageDeleteMany(_ storage: OpaquePointer?, _ bucket: UnsafePointer<CChar>?, _ keysJSON: UnsafePointer<CChar>?) -> ofn_status {
    guarded {
        let handle = try Handle.borrow(storage, as: StorageHandle.self, "storage")
        let bucket = try handle.bucket(bucket)
        let keys = try CJSON.stringArray(try Marshal.string(keysJSON, "keys_json", limit: CJSON.keysLimit), "keys_json")
        try blocking { try await handle.storage.deleteObjects(bucket: bucket, names: keys) }
    }
}

/// Collects an object's content in malloc'ed memory that becomes the caller's ofn_buf,
/// so a large object is not copied once more on the way out.
final class MallocSink: ResponseSink, Sendable {
    private struct Buffer: @unchecked Sendable {
        var pointer: UnsafeMutableRawPointer?
        var count = 0
        var capacity = 0

        mutating func reserve(_ needed: Int) throws(TransportError) {
            guard needed > capacity else { return }
            let target = max(needed, capacity * 2)
            guard let grown = realloc(pointer, target) else {
                throw .bodySource("out of memory: could not hold \(target) bytes of the object; read it in ranges instead")
            }
            pointer = grown
            capacity = target
        }
    }

    private let buffer = Locked(Buffer())

    deinit { buffer.withLock { free($0.pointer) } }

    func begin(expectedLength: Int?) throws(TransportError) {
        try buffer.withLock { (b) throws(TransportError) in
            b.count = 0
            if let expectedLength, expectedLength < Int.max { try b.reserve(expectedLength + 1) }
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(TransportError) {
        try buffer.withLock { (b) throws(TransportError) in
            try b.reserve(b.count + bytes.count + 1)
            if let base = bytes.baseAddress, let pointer = b.pointer { (pointer + b.count).copyMemory(from: base, byteCount: bytes.count) }
            b.count += bytes.count
        }
    }

    /// Gives the bytes, NUL-terminated, to `out`; the sink keeps nothing.
    func hand(to out: UnsafeMutablePointer<ofn_buf>) throws(CError) {
        var taken = buffer.withLock { b in
            defer { b = Buffer() }
            return b
        }
        do { try taken.reserve(taken.count + 1) } catch { throw CError(status: OFN_ERROR, message: "out of memory") }
        guard let pointer = taken.pointer else { throw CError(status: OFN_ERROR, message: "out of memory") }
        pointer.storeBytes(of: 0, toByteOffset: taken.count, as: UInt8.self)
        out.pointee = ofn_buf(ptr: pointer.assumingMemoryBound(to: CChar.self), size: taken.count)
    }
}

/// JSON for the C side: camelCase as OCI writes it, keys sorted.
enum CJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `text`, a JSON object (with only the `allowed` keys, when given), as a `T`, or an error naming the
    /// argument, what is wrong and an `example` of what to pass. The text is read as strict JSON nested at most
    /// 128 levels first: JSONDecoder alone accepts more, and deeper.
    static func decode<T: Decodable>(
        _: T.Type, _ text: String, _ name: String, example: String, allowed: [String]? = nil
    ) throws(CError) -> T {
        guard let entries = (try? ConfigValue(json: text))?.mapEntries else {
            throw CError.invalid("\(name) is not a JSON object; pass e.g. \(example)")
        }
        if let allowed, let unknown = entries.map(\.0).first(where: { !allowed.contains($0) }) {
            throw CError.invalid("unknown option \"\(unknown)\" in \(name); the options are \(allowed.joined(separator: ", "))")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw CError.invalid("\(name) lacks \"\(key.stringValue)\"; pass e.g. \(example)")
        } catch let DecodingError.typeMismatch(_, context) where !context.codingPath.isEmpty {
            throw CError.invalid("\(name) has a value of the wrong type at \"\(path(context))\"; pass e.g. \(example)")
        } catch let DecodingError.valueNotFound(_, context) where !context.codingPath.isEmpty {
            throw CError.invalid("\(name) has null at \"\(path(context))\"; pass e.g. \(example)")
        } catch {
            throw CError.invalid("\(name) is not a JSON object; pass e.g. \(example)")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }

    /// The most bytes of JSON keys_json may have: a thousand names of the longest kind, several times over.
    static let keysLimit = 16 << 20

    static func stringArray(_ text: String, _ name: String) throws(CError) -> [String] {
        guard case .list(let items)? = try? ConfigValue(json: text) else {
            throw CError.invalid("\(name) is not a JSON array; pass e.g. [\"a.txt\", \"b.txt\"]")
        }
        var strings: [String] = []
        for item in items {
            guard case .string(let s) = item else { throw CError.invalid("\(name) holds something that is not a string; pass an array of names") }
            strings.append(s)
        }
        return strings
    }
}
