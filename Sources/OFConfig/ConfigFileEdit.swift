/// Setting keys of one section in a configuration file's YAML text, leaving every other line (comments, order,
/// other sections) as it was: how `oraclefn logs enable --write-config` records the log's OCIDs.
public enum ConfigFileEdit {
    /// The text with `keys` set in the block-style top-level `section`: an existing `key:` line of the section is
    /// replaced, a missing key is added at the end of the section, and a missing section is added at the end of
    /// the file. Values must be plain scalars (OCIDs, names).
    /// - Throws: `ConfigError` when the section is not a block mapping this can edit (flow style `{...}`, or a
    ///   scalar), or a value would need quoting.
    public static func setting(_ keys: [(key: String, value: String)], section: String, in text: String) throws(ConfigError) -> String {
        for (key, value) in keys where !isPlain(value) {
            throw ConfigError(section: section, key: key, message: "the value '\(value)' cannot be written as a plain YAML scalar; set \(section).\(key) by hand")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let header = lines.firstIndex(where: { Self.key(of: $0, indent: 0) == section }) else {
            return (lines + ["\(section):"] + keys.map { "  \($0.key): \($0.value)" }).joined(separator: "\n") + "\n"
        }
        let rest = lines[header].drop { $0 != ":" }.dropFirst().trimmingPrefix(while: { $0 == " " })
        guard rest.isEmpty || rest.hasPrefix("#") else {
            throw ConfigError(section: section, key: nil, message: "the \(section) section is written on one line (\(lines[header].trimmingPrefix(while: { $0 == " " }))); write it as an indented block, or set the keys by hand")
        }
        // the section's block: the indented, blank and comment lines after its header
        var end = header + 1
        while end < lines.count, lines[end].first.map({ $0 == " " || $0 == "\t" || $0 == "#" }) ?? true { end += 1 }
        while end > header + 1, lines[end - 1].trimmingPrefix(while: { $0 == " " }).isEmpty { end -= 1 }
        let indent = lines[(header + 1)..<end].first { !$0.trimmingPrefix(while: { $0 == " " }).isEmpty && !$0.trimmingPrefix(while: { $0 == " " }).hasPrefix("#") }
            .map { String($0.prefix { $0 == " " }) } ?? "  "
        var added: [String] = []
        for (key, value) in keys {
            if let line = lines[(header + 1)..<end].firstIndex(where: { Self.key(of: $0, indent: indent.count) == key }) {
                lines[line] = "\(indent)\(key): \(value)"
            } else {
                added.append("\(indent)\(key): \(value)")
            }
        }
        lines.insert(contentsOf: added, at: end)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The key a `key: ...` line at exactly this indentation sets, else nil.
    private static func key(of line: String, indent: Int) -> String? {
        guard line.prefix(indent).allSatisfy({ $0 == " " }), line.dropFirst(indent).first.map({ $0 != " " && $0 != "#" }) == true,
            let colon = line.firstIndex(of: ":")
        else { return nil }
        return line[line.index(line.startIndex, offsetBy: indent)..<colon].split(separator: " ").first.map(String.init)
    }

    private static func isPlain(_ value: String) -> Bool {
        !value.isEmpty && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-/".contains($0)) }
    }
}
