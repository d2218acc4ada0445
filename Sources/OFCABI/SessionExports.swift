// Sessions from C: what a configuration needs to reach OCI (credentials, one HTTP client and its I/O thread,
// the namespace), made once and shared by the engines, storage and Functions clients made from it.
import COraclefnTypes
import OFServices

final class SessionHandle: Handle {
    let session: Session
    init(_ session: Session) { self.session = session }

    /// The session of a handle argument named `name`.
    static func session(_ p: OpaquePointer?, _ name: String = "session") throws(CError) -> Session {
        try Handle.borrow(p, as: SessionHandle.self, name).session
    }
}

/// A session for a loaded configuration: its credentials (the key read when
/// the configuration was loaded; tokens fetched and refreshed as needed), one
/// HTTP client with its I/O thread, and the Object Storage namespace once
/// looked up. Engines, storage and Functions clients are made from it and
/// share it; each keeps it alive. Free it with ofn_session_free().
@c(ofn_session_new)
public func ofnSessionNew(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ config: OpaquePointer?) -> ofn_status {
    guarded {
        guard let out else { throw CError.invalid("out must not be NULL") }
        out.pointee = nil
        let handle = try Handle.borrow(config, as: ConfigHandle.self, "config")
        out.pointee = SessionHandle(try Session(configuration: handle.configuration, credentials: handle.credentials)).register()
    }
}

@c(ofn_session_free)
public func ofnSessionFree(_ session: OpaquePointer?) { Handle.release(session, as: SessionHandle.self) }
