import FoundationEssentials

/// The claims of a JSON Web Token (RFC 7519), read without checking its signature: OCI's session tokens
/// are checked by the services that receive them; a client only needs to know when they expire and whom
/// they name (`exp`, `res_tenant`, ...), as the oci SDK reads them.
public struct JWT: Sendable {
    /// A claim's JSON value.
    public enum Claim: Sendable, Equatable, Decodable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
        case array([Claim])
        case object([String: Claim])

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([Claim].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: Claim].self))
            }
        }
    }

    public let claims: [String: Claim]

    /// Reads `header.payload.signature`; nil when the text is not a JWT with a JSON object as payload.
    public init?(_ token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Self.base64URLDecode(parts[1]),
              let claims = try? JSONDecoder().decode([String: Claim].self, from: Data(payload))
        else { return nil }
        self.claims = claims
    }

    /// `exp`: when the token stops being accepted, in epoch seconds (a fractional time is rounded down).
    public var expiry: Int? { integer("exp") }

    /// `iat`: when the token was issued, in epoch seconds.
    public var issuedAt: Int? { integer("iat") }

    /// A claim that is a string, e.g. `res_tenant`.
    public func string(_ name: String) -> String? {
        if case .string(let value)? = claims[name] { return value }
        return nil
    }

    private func integer(_ name: String) -> Int? {
        guard case .number(let value)? = claims[name], value.isFinite,
              value >= -9.0e15, value <= 9.0e15
        else { return nil }
        return Int(value.rounded(.down))
    }

    /// Base64url (RFC 4648 section 5) with the padding left out, as JWTs use it.
    static func base64URLDecode(_ text: Substring) -> [UInt8]? {
        var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        switch standard.utf8.count % 4 {
        case 0: break
        case 2: standard += "=="
        case 3: standard += "="
        default: return nil
        }
        return Base64.decode(standard)
    }
}
