import COraclefnTypes

/// The library version, "MAJOR.MINOR.PATCH". Static; never free it.
@c(ofn_version)
public func ofnVersion() -> UnsafePointer<CChar> {
    let s: StaticString = "0.1.0"
    return UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
}
