// Values given by the caller (C's overrides JSON, Python's load_config(**overrides)) on top of the file.

enum Overrides {
    /// `overrides` is `{"section": {"key": value}}` or `{"section.key": value}`; each value replaces the
    /// file's. A top level that is not a mapping is left for the validation to report.
    static func apply(_ overrides: ConfigValue, to tree: ConfigValue, source: String) throws(ConfigError) -> ConfigValue {
        guard let changes = overrides.mapEntries else {
            if overrides == .null { return tree }
            throw ConfigError(
                section: nil, key: nil,
                message: "the overrides must be a mapping of sections to keys, e.g. {\"oracle_f\": {\"max_workers\": 10}}, not \(overrides.kindDescription(revealing: false))")
        }
        var result = tree == .null ? ConfigValue.map([]) : tree
        guard result.mapEntries != nil else { return tree }
        for (name, value) in changes {
            if let dot = name.firstIndex(of: ".") {
                let section = String(name[..<dot])
                let key = String(name[name.index(after: dot)...])
                try checkSection(section, in: name)
                guard !key.isEmpty else {
                    throw ConfigError(section: section, key: nil, message: "the override \"\(name)\" names no key after the dot; write \"\(section).KEY\"")
                }
                result = result.setting(section, to: sectionOf(result, section).setting(key, to: value))
                continue
            }
            try checkSection(name, in: name)
            guard let entries = value.mapEntries else {
                throw ConfigError(
                    section: name, key: nil,
                    message: "the override of the \"\(name)\" section must be a mapping of keys to values, e.g. {\"\(name)\": {\"KEY\": VALUE}}, not \(value.kindDescription(revealing: false))")
            }
            var section = sectionOf(result, name)
            for (key, inner) in entries { section = section.setting(key, to: inner) }
            result = result.setting(name, to: section)
        }
        return result
    }

    private static func checkSection(_ section: String, in name: String) throws(ConfigError) {
        guard ConfigurationBuilder.sectionNames.contains(section) else {
            let known = ConfigurationBuilder.sectionNames.joined(separator: ", ")
            throw ConfigError(
                section: section, key: nil,
                message: "the override \"\(name)\" names the section \"\(section)\", which oraclefn does not read; use one of \(known)")
        }
    }

    /// The section as a mapping to add keys to; a missing or non-mapping section is replaced.
    private static func sectionOf(_ tree: ConfigValue, _ name: String) -> ConfigValue {
        guard let existing = tree[name], existing.mapEntries != nil else { return .map([]) }
        return existing
    }
}
