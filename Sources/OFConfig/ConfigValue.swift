// The tree a configuration is read into, from YAML or JSON, and written out as JSON.

/// A configuration value. Maps keep the order their keys were written in.
public enum ConfigValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([ConfigValue])
    case map([(String, ConfigValue)])

    /// The value under `key` when this is a map holding it, else nil.
    public subscript(key: String) -> ConfigValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.0 == key }?.1
    }

    /// Equality is structural; two maps are equal when they hold the same keys in the same order.
    public static func == (lhs: ConfigValue, rhs: ConfigValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)): return a == b
        case (.map(let a), .map(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The entries of a map, or nil for any other value.
    public var mapEntries: [(String, ConfigValue)]? {
        guard case .map(let entries) = self else { return nil }
        return entries
    }

    /// A copy of this map with `key` set to `value`: replaced in place when present, appended otherwise.
    /// Any other value is returned unchanged.
    func setting(_ key: String, to value: ConfigValue) -> ConfigValue {
        guard case .map(var entries) = self else { return self }
        if let index = entries.firstIndex(where: { $0.0 == key }) {
            entries[index].1 = value
        } else {
            entries.append((key, value))
        }
        return .map(entries)
    }

    /// How this value is named in error messages ("the string \"lots\"", "a list"); a secret's
    /// text is left out.
    func kindDescription(revealing: Bool = true) -> String {
        switch self {
        case .null: return "empty"
        case .bool(let b): return revealing ? "the boolean \(b)" : "a boolean"
        case .int(let i): return revealing ? "the number \(i)" : "a number"
        case .double(let d): return revealing ? "the number \(d)" : "a number"
        case .string(let s): return revealing ? "the string \"\(s)\"" : "a string"
        case .list: return "a list"
        case .map: return "a mapping"
        }
    }
}
