// The OCI CLI configuration file (~/.oci/config): INI profiles read as the oci SDK reads them, so that a
// Lithops configuration can name a profile instead of copying its keys.

struct OCIConfigFile {
    struct Profile {
        let name: String
        var entries: [(String, String)]
    }

    static let defaultProfile = "DEFAULT"
    /// The keys Oracle's console generates that a profile passes on to the "oracle" section.
    static let credentialKeys = ["user", "fingerprint", "tenancy", "region", "key_file", "pass_phrase", "security_token_file"]

    let path: String
    /// In the order they were written; DEFAULT among them when present.
    let profiles: [Profile]

    /// Parses INI text as Python's configparser does for the oci SDK: `[PROFILE]` headers, `key = value`
    /// or `key: value` lines (keys are case-insensitive), whole-line comments starting with # or ;.
    static func parse(_ text: String, path: String) throws(ConfigError) -> OCIConfigFile {
        var profiles: [Profile] = []
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingWhitespace()
            let lineNumber = index + 1
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw broken(path, lineNumber, "\"\(line)\" is not a complete [PROFILE] header")
                }
                let name = String(line.dropFirst().dropLast())
                guard !profiles.contains(where: { $0.name == name }) else {
                    throw broken(path, lineNumber, "the profile [\(name)] appears twice; merge the two")
                }
                profiles.append(Profile(name: name, entries: []))
                continue
            }
            guard let delimiter = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw broken(path, lineNumber, "\"\(line.prefix(40))\" is neither a [PROFILE] header, a key=value line nor a comment; fix or remove that line")
            }
            let key = line[..<delimiter].trimmingWhitespace().lowercased()
            let value = String(line[line.index(after: delimiter)...].trimmingWhitespace())
            guard !key.isEmpty else { throw broken(path, lineNumber, "a line has a value but no key before the '='") }
            guard var profile = profiles.popLast() else {
                throw broken(path, lineNumber, "the key \"\(key)\" comes before any [PROFILE] header; start the file with [DEFAULT]")
            }
            guard !profile.entries.contains(where: { $0.0 == key }) else {
                throw broken(path, lineNumber, "the key \"\(key)\" appears twice in [\(profile.name)]; keep one")
            }
            profile.entries.append((key, value))
            profiles.append(profile)
        }
        return OCIConfigFile(path: path, profiles: profiles)
    }

    /// A profile's keys, a named profile inheriting those of DEFAULT that it does not set, as in the oci SDK.
    func settings(ofProfile name: String) throws(ConfigError) -> [(String, String)] {
        guard let profile = profiles.first(where: { $0.name == name }) else {
            let known = profiles.map(\.name)
            let listing = known.isEmpty ? "it has no profiles at all" : "its profiles are: " + known.joined(separator: ", ")
            throw ConfigError(
                section: "oracle", key: "profile",
                message: "the profile \"\(name)\" named by \"profile\" in the \"oracle\" section is not in the OCI config file \(path); \(listing). Set profile to one of them, or add [\(name)] to that file")
        }
        var merged = profile.entries
        if name != Self.defaultProfile, let defaults = profiles.first(where: { $0.name == Self.defaultProfile }) {
            for entry in defaults.entries where !merged.contains(where: { $0.0 == entry.0 }) {
                merged.append(entry)
            }
        }
        return merged
    }

    private static func broken(_ path: String, _ line: Int, _ problem: String) -> ConfigError {
        ConfigError(
            section: "oracle", key: "config_file",
            message: "the OCI config file \(path) (named by \"config_file\" in the \"oracle\" section) is broken at line \(line): \(problem)")
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and carriage returns.
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return Substring()
        }
        return Substring(self[first...last])
    }
}
