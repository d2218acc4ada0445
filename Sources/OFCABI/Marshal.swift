// Moving values across the boundary: C strings in, ofn_buf out, handles both ways.
import COraclefnTypes
import Glibc

enum Marshal {
    /// A required C string argument, checked for NULL and for UTF-8.
    static func string(_ p: UnsafePointer<CChar>?, _ name: String) throws(CError) -> String {
        guard let p else { throw .invalid("\(name) must not be NULL") }
        guard let s = String(validatingCString: p) else { throw .invalid("\(name) is not valid UTF-8") }
        return s
    }

    /// An optional C string argument: NULL gives nil.
    static func optionalString(_ p: UnsafePointer<CChar>?, _ name: String) throws(CError) -> String? {
        guard p != nil else { return nil }
        return try string(p, name)
    }

    /// Input bytes, copied. NULL is allowed only with a length of 0.
    static func bytes(_ p: UnsafeRawPointer?, _ count: Int, _ name: String) throws(CError) -> [UInt8] {
        guard count >= 0 else { throw .invalid("\(name): the length \(count) is negative") }
        if count == 0 { return [] }
        guard let p else { throw .invalid("\(name) is NULL but its length is \(count)") }
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

/// Handles are retained Swift objects behind an opaque C pointer. Each box
/// carries a tag so that a foreign or freed pointer of another kind is refused
/// rather than trusted.
class Handle {
    private static let liveTag: UInt64 = 0x6f66_6e5f_6861_6e64  // "ofn_hand"
    private var tag = Handle.liveTag
    final var isLive: Bool { tag == Handle.liveTag }
    deinit { tag = 0 }

    final func retainedPointer() -> OpaquePointer { OpaquePointer(Unmanaged.passRetained(self).toOpaque()) }

    static func borrow<T: Handle>(_ p: OpaquePointer?, as _: T.Type, _ name: String) throws(CError) -> T {
        guard let p else { throw .invalid("\(name) must not be NULL") }
        let object = Unmanaged<Handle>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
        guard object.isLive, let typed = object as? T else {
            throw .invalid("\(name) is not a live \(T.self) handle (freed already, or of another kind)")
        }
        return typed
    }

    static func release(_ p: OpaquePointer?) {
        guard let p else { return }
        Unmanaged<Handle>.fromOpaque(UnsafeRawPointer(p)).release()
    }
}

@c(ofn_buf_dispose)
public func ofnBufDispose(_ buf: UnsafeMutablePointer<ofn_buf>?) {
    guard let buf else { return }
    free(buf.pointee.ptr)
    buf.pointee = ofn_buf(ptr: nil, size: 0)
}
