// One section of the configuration while it is checked: typed reads whose errors name the key and section.

struct Section {
    let name: String
    private(set) var entries: [(String, ConfigValue)]
    /// Where a key came from when it was not written in this section (a profile of the OCI config file).
    private var origins: [String: String] = [:]

    init(name: String, entries: [(String, ConfigValue)]) {
        self.name = name
        self.entries = entries
    }

    var value: ConfigValue { .map(entries) }

    /// The key's value; nil when absent or written empty (`key:` with no value).
    func present(_ key: String) -> ConfigValue? {
        guard let value = entries.first(where: { $0.0 == key })?.1, value != .null else { return nil }
        return value
    }

    mutating func set(_ key: String, _ value: ConfigValue, origin: String? = nil) {
        if let index = entries.firstIndex(where: { $0.0 == key }) {
            entries[index].1 = value
        } else {
            entries.append((key, value))
        }
        if let origin { origins[key] = origin }
    }

    /// Adds the key with `value` unless the section already sets it.
    mutating func setDefault(_ key: String, _ value: ConfigValue) {
        if present(key) == nil { set(key, value) }
    }

    /// `"key" in the "section" section`, plus where the value came from when it was not written there.
    func field(_ key: String) -> String {
        var text = "\"\(key)\" in the \"\(name)\" section"
        if let origin = origins[key] { text += " (from \(origin))" }
        return text
    }

    func error(_ key: String, _ problem: String) -> ConfigError {
        ConfigError(section: name, key: key, message: "\(field(key)) \(problem)")
    }

    private func typeError(_ key: String, expected: String, found: ConfigValue, fix: String) -> ConfigError {
        let revealing = !Masking.isSecret(key)
        return error(key, "must be \(expected), not \(found.kindDescription(revealing: revealing)); \(fix)")
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let text) = value else {
            throw typeError(key, expected: "text", found: value, fix: "write it as text, in quotes if it looks like a number")
        }
        return text
    }

    func wholeNumber(_ key: String, example: Int) throws(ConfigError) -> Int? {
        guard let value = present(key) else { return nil }
        guard case .int(let number) = value else {
            throw typeError(key, expected: "a whole number", found: value, fix: "write a number without quotes, e.g. \(key): \(example)")
        }
        return number
    }

    func number(_ key: String, example: Double) throws(ConfigError) -> Double? {
        guard let value = present(key) else { return nil }
        switch value {
        case .int(let number): return Double(number)
        case .double(let number) where number.isFinite: return number
        default:
            throw typeError(key, expected: "a number", found: value, fix: "write a number without quotes, e.g. \(key): \(example)")
        }
    }

    func boolean(_ key: String) throws(ConfigError) -> Bool? {
        guard let value = present(key) else { return nil }
        guard case .bool(let flag) = value else {
            throw typeError(key, expected: "true or false", found: value, fix: "write \(key): true or \(key): false")
        }
        return flag
    }

    /// A whole number of at least `minimum`, or `fallback` when the key is absent.
    func wholeNumber(_ key: String, atLeast minimum: Int, default fallback: Int) throws(ConfigError) -> Int {
        guard let number = try wholeNumber(key, example: fallback) else { return fallback }
        guard number >= minimum else {
            throw error(key, "must be at least \(minimum), not \(number); set it to \(minimum) or more (the default is \(fallback))")
        }
        return number
    }
}
