import OFLocking

/// A session token (`ST$<token>` keyId) and the key it was issued for, as a security token profile and
/// resource principals 2.2 hold them: read from files that someone else rewrites (`oci session refresh`,
/// the Functions platform), or given once as values.
///
/// `signer()` runs on every request, so the token file is only stat'ed, and at most once per clock
/// second; it is read again when it changed, when the token is within `refreshWindow` of expiring, or
/// after a 401. A re-read that fails keeps the current token while it is still valid.
final class SessionTokenSource: Sendable {
    /// One reading of the token and its key.
    struct Loaded: Sendable {
        let token: String
        let claims: JWT
        let expiry: Int
        let signer: RequestSigner
        /// The token file's version when it was read; nil for a token given as a value.
        let version: FileVersion?
    }

    /// The oci SDK re-reads a token 60 s before it expires (SecurityTokenContainer's jitter).
    static let refreshWindow = 60

    private struct State {
        var loaded: Loaded
        var lastCheck: Int
    }

    /// The token file, nil when the token was given as a value and cannot change.
    private let tokenPath: String?
    private let load: @Sendable () throws(CredentialError) -> Loaded
    private let expired: @Sendable (Loaded) -> CredentialError
    private let clock: @Sendable () -> Int
    private let state: Locked<State>

    /// Loads at once, so a missing or malformed file is reported when the credentials are set up.
    init(tokenPath: String?, clock: @escaping @Sendable () -> Int,
         load: @escaping @Sendable () throws(CredentialError) -> Loaded,
         expired: @escaping @Sendable (Loaded) -> CredentialError) throws(CredentialError)
    {
        self.tokenPath = tokenPath
        self.load = load
        self.expired = expired
        self.clock = clock
        state = Locked(State(loaded: try load(), lastCheck: clock()))
    }

    var current: Loaded { state.withLock { $0.loaded } }

    func signer() throws(CredentialError) -> RequestSigner {
        let now = clock()
        return try state.withLock { state throws(CredentialError) -> RequestSigner in
            if let tokenPath, now != state.lastCheck {
                state.lastCheck = now
                let nearExpiry = now >= state.loaded.expiry - Self.refreshWindow
                if nearExpiry || FileVersion.of(tokenPath) != state.loaded.version {
                    do throws(CredentialError) {
                        state.loaded = try load()
                    } catch {
                        // Caught half-written, perhaps: the current token still works; try again next second.
                        if state.loaded.expiry <= now { throw error }
                    }
                }
            }
            guard state.loaded.expiry > now else { throw expired(state.loaded) }
            return state.loaded.signer
        }
    }

    /// After a 401 for `keyId`: reads the files again at once. True when a different token is now in
    /// use, so that a new attempt may succeed.
    func invalidate(keyId: String) -> Bool {
        guard keyId.hasPrefix("ST$") else { return false }
        return state.withLock { state in
            if state.loaded.signer.keyId != keyId { return true }
            guard tokenPath != nil, let reloaded = try? load(), reloaded.signer.keyId != keyId else { return false }
            state.loaded = reloaded
            state.lastCheck = clock()
            return true
        }
    }

    /// Reads a session token: the text trimmed of white space, a JWT with an `exp` claim, made only of
    /// the characters a JWT uses (so that it cannot break the Authorization header it goes into).
    static func parseToken(_ raw: [UInt8]) -> (token: String, claims: JWT, expiry: Int)? {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = raw.firstIndex(where: { !isSpace($0) }), let last = raw.lastIndex(where: { !isSpace($0) })
        else { return nil }
        let bytes = raw[first...last]
        guard bytes.allSatisfy(isTokenByte) else { return nil }
        let token = String(decoding: bytes, as: UTF8.self)
        guard let claims = JWT(token), let expiry = claims.expiry else { return nil }
        return (token, claims, expiry)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "=")
        }
    }

    /// `2026-06-02 10:20:30 UTC`, for messages.
    static func utc(_ epochSeconds: Int) -> String {
        let days = floorDivide(epochSeconds, 86_400)
        let second = epochSeconds - days * 86_400
        let date = CivilDate(daysSinceEpoch: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(date.year)-\(two(date.month))-\(two(date.day)) \(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60)) UTC"
    }
}
