import COraclefnTypes
import OFTransport

/// The library version, "MAJOR.MINOR.PATCH". Static; never free it.
@c(ofn_version)
public func ofnVersion() -> UnsafePointer<CChar> {
    UnsafeRawPointer(LibraryVersion.string.utf8Start).assumingMemoryBound(to: CChar.self)
}
