// The per-thread last error behind ofn_error_last(), as libgit2's giterr_last():
// a status says that a call failed, this record says why.
import COraclefnTypes
import Glibc

/// One thread's error record; its strings are malloc'ed and owned by the record.
private final class ErrorSlot {
    let record = UnsafeMutablePointer<ofn_error>.allocate(capacity: 1)
    init() { record.initialize(to: ofn_error(status: OFN_OK, http_status: 0, message: nil, code: nil, opc_request_id: nil)) }
    func set(_ e: CError) {
        release()
        record.pointee = ofn_error(
            status: e.status, http_status: e.httpStatus,
            message: UnsafePointer(strdup(e.message)), code: UnsafePointer(strdup(e.code)),
            opc_request_id: UnsafePointer(strdup(e.requestId)))
    }
    func release() {
        free(UnsafeMutableRawPointer(mutating: record.pointee.message))
        free(UnsafeMutableRawPointer(mutating: record.pointee.code))
        free(UnsafeMutableRawPointer(mutating: record.pointee.opc_request_id))
        record.pointee = ofn_error(status: OFN_OK, http_status: 0, message: nil, code: nil, opc_request_id: nil)
    }
    deinit { release(); record.deallocate() }
}

private let slotKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { raw in
        if let raw { Unmanaged<ErrorSlot>.fromOpaque(raw).release() }
    }
    return key
}()

private func currentSlot(create: Bool) -> ErrorSlot? {
    if let raw = pthread_getspecific(slotKey) { return Unmanaged<ErrorSlot>.fromOpaque(raw).takeUnretainedValue() }
    guard create else { return nil }
    let slot = ErrorSlot()
    pthread_setspecific(slotKey, Unmanaged.passRetained(slot).toOpaque())
    return slot
}

enum LastError {
    static func set(_ e: CError) { currentSlot(create: true)?.set(e) }
    static func clear() { currentSlot(create: false)?.release() }
    /// The record, or `none` when this thread has seen no error since its last successful call.
    static func current() -> UnsafePointer<ofn_error> {
        guard let slot = currentSlot(create: false), slot.record.pointee.message != nil else { return UnsafePointer(none) }
        return UnsafePointer(slot.record)
    }

    /// What ofn_error_last() answers when there is no error: status OFN_OK, an empty message. Never freed.
    private nonisolated(unsafe) static let none: UnsafeMutablePointer<ofn_error> = {
        let record = UnsafeMutablePointer<ofn_error>.allocate(capacity: 1)
        record.initialize(to: ofn_error(status: OFN_OK, http_status: 0, message: UnsafePointer(strdup("")), code: UnsafePointer(strdup("")), opc_request_id: UnsafePointer(strdup(""))))
        return record
    }()
}

/// Runs an export's body: success clears the thread's error, a thrown error
/// (any Swift error) is recorded and mapped to its status. Nothing escapes.
@inline(__always)
func guarded(_ body: () throws -> Void) -> ofn_status {
    do {
        try body()
        LastError.clear()
        return OFN_OK
    } catch {
        let e = CError(error)
        LastError.set(e)
        return e.status
    }
}

/// Why the calling thread's last failed call failed: its status, message (what
/// went wrong and how to fix it), OCI error code, HTTP status and
/// opc-request-id. Never NULL: after a successful call, or none, the record
/// has status OFN_OK and empty strings. The record belongs to the library and
/// stays valid until this thread's next call into it; copy what you keep.
@c(ofn_error_last)
public func ofnErrorLast() -> UnsafePointer<ofn_error> { LastError.current() }

/// Forgets the calling thread's last error.
@c(ofn_error_clear)
public func ofnErrorClear() { LastError.clear() }
