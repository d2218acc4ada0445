// Secrets never leave the library in clear: not in the merged JSON, not in an error message.

enum Masking {
    static let mask = "********"

    /// Pass phrases, inline key material, registry passwords and any kind of token.
    static func isSecret(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return lowered == "pass_phrase" || lowered == "key_content"
            || ["password", "token", "secret"].contains { lowered.contains($0) }
    }

    /// The tree with every secret's value (at any depth) replaced by the mask; empty values stay empty.
    static func masked(_ value: ConfigValue) -> ConfigValue {
        switch value {
        case .map(let entries):
            return .map(entries.map { key, inner in
                (key, isSecret(key) && inner != .null ? .string(mask) : masked(inner))
            })
        case .list(let items):
            return .list(items.map(masked))
        default:
            return value
        }
    }
}
