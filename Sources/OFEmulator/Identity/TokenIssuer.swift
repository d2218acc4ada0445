import Foundation
import OFSigning
import OFLocking

/// A session token the emulator issued, checked: its claims and the session key it vouches for.
public struct SessionToken: Sendable {
    /// The JWT as sent (the part after `ST$` in a keyId).
    public let token: String
    public let claims: [String: JSONValue]
    /// The key requests signed with `ST$<token>` must verify with: the token's `jwk` claim.
    public let sessionKey: PublicKey
    public let issuedAt: Int
    public let expiresAt: Int

    /// `sub`: the user, instance or function the token speaks for.
    public var subject: String { self.claims["sub"]?.stringValue ?? "" }
    /// `ptype`: `user`, `instance` or `resource`.
    public var principalType: String { self.claims["ptype"]?.stringValue ?? "" }
}

/// Issues and checks session tokens as OCI's authentication service does: JWTs signed RS256 with the emulator's
/// identity key, whose `jwk` claim carries the session public key (a JSON string with `kty`, `n`, `e`, `kid`, as
/// OCI writes it) and whose `exp` bounds them. A request signed with keyId `ST$<token>` is accepted while the
/// token is unexpired and its signature verifies with that session key.
public final class TokenIssuer: Sendable {
    /// The `iss` claim OCI's tokens carry.
    public static let issuerName = "authService.oracle.com"
    /// The `kid` in every token's header.
    public static let keyName = "oraclefn-emulator"
    /// How many checked tokens are remembered, so a token's signature and key are read once, not per request.
    static let cacheCapacity = 1024

    private let key: PrivateKey
    private let clock: @Sendable () -> Date
    private let checked = Locked<[String: SessionToken]>([:])

    /// The public half of the identity key: what a token's signature must verify with.
    public var publicKey: PublicKey { self.key.publicKey }

    public init(key: PrivateKey, clock: @escaping @Sendable () -> Date = Date.init) {
        self.key = key
        self.clock = clock
    }

    /// Signs a token with `claims` plus `iss`, `iat`, `exp` (now + `lifetime` seconds), `jti` and `jwk` (the
    /// session key); a claim given in `claims` with one of those names is replaced.
    public func issue(claims: [String: JSONValue], sessionKey: PublicKey, lifetime: Int) throws -> String {
        guard let components = sessionKey.rsaComponents else {
            throw EmulatorError(description: "Cannot read the session key's modulus and exponent to put it in a token.")
        }
        let now = Int(self.clock().timeIntervalSince1970)
        let jwk: [String: String] = [
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": sessionKey.fingerprint,
            "n": Base64URL.encode(components.modulus), "e": Base64URL.encode(components.exponent),
        ]
        var payload = claims
        payload["iss"] = .string(Self.issuerName)
        payload["iat"] = .number(Double(now))
        payload["exp"] = .number(Double(now + max(1, lifetime)))
        payload["jti"] = .string(UUID().uuidString.lowercased())
        payload["jwk"] = .string(String(decoding: try Self.encoder.encode(jwk), as: UTF8.self))
        let header = #"{"alg":"RS256","kid":"\#(Self.keyName)","typ":"JWT"}"#
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(try Self.encoder.encode(payload)))
        let signature = try self.key.sign(Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// Checks a token: issued by this issuer's key, well formed, and not expired now. The failures' messages never
    /// repeat the token.
    public func check(_ token: String) -> Result<SessionToken, VerificationFailure> {
        let remembered = self.checked.withLock { $0[token] }
        let session: SessionToken
        if let remembered {
            session = remembered
        } else {
            switch self.read(token) {
            case .success(let read): session = read
            case .failure(let failure): return .failure(failure)
            }
            self.checked.withLock { checked in
                if checked.count >= Self.cacheCapacity { checked.removeAll(keepingCapacity: true) }
                checked[token] = session
            }
        }
        let now = Int(self.clock().timeIntervalSince1970)
        guard now < session.expiresAt else {
            let expired = Date(timeIntervalSince1970: TimeInterval(session.expiresAt)).formatted(.iso8601)
            return .failure(VerificationFailure(.expiredToken, "The session token expired at \(expired) (\(now - session.expiresAt) s ago): refresh it (`oci session refresh`, POST /v1/authentication/refresh) or get a new one (the federation endpoint, a new resource principal) and sign again."))
        }
        return .success(session)
    }

    /// Signature, header and claims, without the expiry check.
    private func read(_ token: String) -> Result<SessionToken, VerificationFailure> {
        func invalid(_ why: String) -> Result<SessionToken, VerificationFailure> {
            .failure(VerificationFailure(.invalidToken, "The session token \(why). Use a token this emulator issued (tokens from another emulator, or from before a restart without --state, are not valid)."))
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2])
        else { return invalid("is not a JWT (three base64url parts separated by dots)") }
        guard let header = try? JSONDecoder().decode([String: JSONValue].self, from: Data(headerBytes)),
              header["alg"]?.stringValue == "RS256"
        else { return invalid("does not have a JWT header with alg RS256") }
        guard self.key.publicKey.verify(signature: signature, data: Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)) else {
            return invalid("was not signed by this emulator's identity key")
        }
        guard let claims = try? JSONDecoder().decode([String: JSONValue].self, from: Data(payloadBytes)),
              let expiresAt = claims["exp"]?.intValue, let issuedAt = claims["iat"]?.intValue
        else { return invalid("has no exp and iat claims") }
        guard let sessionKey = Self.sessionKey(claims["jwk"]) else {
            return invalid("has no jwk claim holding an RSA public key (kty RSA, n, e)")
        }
        return .success(SessionToken(token: token, claims: claims, sessionKey: sessionKey, issuedAt: issuedAt, expiresAt: expiresAt))
    }

    /// The key of a `jwk` claim: a JSON object, or (as OCI writes it) a string holding one.
    static func sessionKey(_ claim: JSONValue?) -> PublicKey? {
        var members: [String: JSONValue]?
        switch claim {
        case .object(let object): members = object
        case .string(let text): members = try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
        default: members = nil
        }
        guard let members, members["kty"]?.stringValue == "RSA", let n = members["n"]?.stringValue.flatMap(Base64URL.decode),
              let e = members["e"]?.stringValue.flatMap(Base64URL.decode)
        else { return nil }
        return try? PublicKey(modulus: n, exponent: e)
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// Base64url without padding (RFC 7515), as JWTs use it.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        guard text.utf8.allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "=") }) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        return Data(base64Encoded: standard).map { [UInt8]($0) }
    }
}

extension JSONValue {
    var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var intValue: Int? {
        guard case .number(let value) = self, value.rounded() == value, abs(value) < 1e15 else { return nil }
        return Int(value)
    }
}
