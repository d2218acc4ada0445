// Moving values across the boundary: C strings in, ofn_buf out, handles both ways.
import COraclefnTypes
import Glibc
import OFLocking

enum Marshal {
    /// A required C string argument, checked for NULL, for UTF-8 and, when given, for a `limit` in bytes
    /// (measured before the string is read, so a runaway one costs nothing).
    static func string(_ p: UnsafePointer<CChar>?, _ name: String, limit: Int? = nil) throws(CError) -> String {
        guard let p else { throw .invalid("\(name) must not be NULL") }
        if let limit, strnlen(p, limit + 1) > limit {
            throw .invalid("\(name) has more than \(limit) bytes; it can have at most \(limit)")
        }
        guard let s = String(validatingCString: p) else { throw .invalid("\(name) is not valid UTF-8") }
        return s
    }

    /// An optional C string argument: NULL gives nil.
    static func optionalString(_ p: UnsafePointer<CChar>?, _ name: String, limit: Int? = nil) throws(CError) -> String? {
        guard p != nil else { return nil }
        return try string(p, name, limit: limit)
    }

    /// The most bytes of JSON an options argument may have; options are small, and a runaway one would take
    /// memory and time out of proportion to parse.
    static let optionsLimit = 1 << 20

    /// An optional JSON options argument (NULL gives nil), at most `optionsLimit` bytes.
    static func options(_ p: UnsafePointer<CChar>?, _ name: String = "options_json") throws(CError) -> String? {
        try optionalString(p, name, limit: optionsLimit)
    }

    /// The most bytes of an OCID or a resource's name (an application, a function, a job id): OCI's are at
    /// most 255 characters, and a longer one would only travel as far as the service to be refused there.
    static let nameLimit = 255

    /// The most bytes of a URL to sign: an object name of 1,024 bytes percent-encoded, with room to spare.
    static let urlLimit = 64 << 10

    /// The caller's ofn_buf, checked before any work is done for it.
    static func output(_ out: UnsafeMutablePointer<ofn_buf>?) throws(CError) -> UnsafeMutablePointer<ofn_buf> {
        guard let out else { throw .invalid("the output buffer must not be NULL") }
        return out
    }

    /// The longest buffer an export reads: 2^48 bytes (256 TiB) is past the address space a process has on
    /// x86-64 and AArch64, so a longer length is a mistake (an unsigned -1, a garbage size), not data.
    static let maxLength = 1 << 48

    /// Checks a caller's buffer of `count` bytes at `p`: not negative, not past `maxLength`, not NULL unless
    /// empty. The bytes themselves cannot be checked: they are the caller's promise.
    static func checkBuffer(_ p: UnsafeRawPointer?, _ count: Int, _ name: String) throws(CError) {
        guard count >= 0 else { throw .invalid("\(name): the length \(count) is negative") }
        guard count <= maxLength else {
            throw .invalid("\(name): the length \(count) is larger than any buffer can be (at most 2^48 bytes); pass the number of bytes at the pointer")
        }
        guard count == 0 || p != nil else { throw .invalid("\(name) is NULL but its length is \(count)") }
    }

    /// Input bytes, copied. NULL is allowed only with a length of 0.
    static func bytes(_ p: UnsafeRawPointer?, _ count: Int, _ name: String) throws(CError) -> [UInt8] {
        try checkBuffer(p, count, name)
        guard count > 0, let p else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: count))
    }

    /// Fills a caller's ofn_buf with a malloc'ed, NUL-terminated copy.
    static func fill<C: Collection<UInt8>>(_ out: UnsafeMutablePointer<ofn_buf>?, _ bytes: C) throws(CError) {
        guard let out else { throw .invalid("the output buffer must not be NULL") }
        guard let raw = malloc(bytes.count + 1) else { throw CError(status: OFN_ERROR, message: "out of memory") }
        let p = raw.assumingMemoryBound(to: UInt8.self)
        _ = UnsafeMutableBufferPointer(start: p, count: bytes.count).initialize(from: bytes)
        p[bytes.count] = 0
        out.pointee = ofn_buf(ptr: raw.assumingMemoryBound(to: CChar.self), size: bytes.count)
    }

    static func fill(_ out: UnsafeMutablePointer<ofn_buf>?, _ string: String) throws(CError) {
        try fill(out, string.utf8)
    }
}

/// Handles are Swift objects behind an opaque C pointer. A registry of live
/// handles owns them, so a NULL, freed or foreign pointer is refused with an
/// error instead of being dereferenced, and an object stays alive for the
/// whole of a call that borrowed it even if another thread frees it meanwhile.
///
/// The pointer C sees is a number the registry never hands out twice, not the
/// object's address: a freed handle stays refused even when a new object is
/// allocated where the old one was.
class Handle: @unchecked Sendable {
    private struct Registry {
        var live: [UInt: Handle] = [:]
        /// Steps of 16 keep the numbers looking like aligned pointers; 2^60 handles before it would wrap.
        var next: UInt = 0x10000
    }

    private static let registry = Locked(Registry())

    /// The C name of the handle type: ofn_config for ConfigHandle.
    static var cName: String { "ofn_" + String(describing: self).dropLast("Handle".count).lowercased() }

    final func register() -> OpaquePointer? {
        let number = Handle.registry.withLock { registry -> UInt in
            let number = registry.next
            registry.next &+= 16
            registry.live[number] = self
            return number
        }
        return OpaquePointer(bitPattern: number)
    }

    static func borrow<T: Handle>(_ p: OpaquePointer?, as _: T.Type, _ name: String) throws(CError) -> T {
        guard let p else { throw .invalid("\(name) must not be NULL") }
        let object = registry.withLock { $0.live[UInt(bitPattern: UnsafeRawPointer(p))] }
        guard let object else { throw .invalid("\(name) is not a live handle: it was freed already, or never came from oraclefn") }
        guard let typed = object as? T else { throw .invalid("\(name) is a handle of another kind, not an \(T.cName)") }
        return typed
    }

    /// Drops the handle when it is a `T`; NULL, freed and foreign pointers, and handles of another kind (an
    /// engine passed to ofn_config_free), are ignored.
    static func release<T: Handle>(_ p: OpaquePointer?, as _: T.Type) {
        guard let p else { return }
        let key = UInt(bitPattern: UnsafeRawPointer(p))
        let object = registry.withLock { registry -> Handle? in
            guard registry.live[key] is T else { return nil }
            return registry.live.removeValue(forKey: key)
        }
        _ = object  // the last reference may go here, outside the lock
    }
}

/// Releases the bytes a call put in `buf` and empties it; NULL and an empty
/// buffer are ignored, so disposing twice is harmless.
@c(ofn_buf_dispose)
public func ofnBufDispose(_ buf: UnsafeMutablePointer<ofn_buf>?) {
    guard let buf else { return }
    free(buf.pointee.ptr)
    buf.pointee = ofn_buf(ptr: nil, size: 0)
}
