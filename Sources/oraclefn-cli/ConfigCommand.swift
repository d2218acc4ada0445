import ArgumentParser
import FoundationEssentials
import OFConfig
import OFServices
import OFSigning

/// `oraclefn config check`: is the configuration usable, what does it say once merged, and does each API key
/// match its fingerprint.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the configuration.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the configuration, print it merged with its defaults (secrets masked) and check each API key against its fingerprint.",
            discussion: """
                Exit status: 0 when the configuration can be used; 2 (with the key and section at fault and how to \
                fix it) when it cannot, or when a key file does not load or does not match its fingerprint.
                """)

        @OptionGroup var config: ConfigOptions
        @OptionGroup var output: OutputOptions

        /// One API key, checked.
        struct Key: Encodable {
            var sections: [String]
            var keyFile: String
            var fingerprint: String

            enum CodingKeys: String, CodingKey {
                case sections, fingerprint
                case keyFile = "key_file"
            }
        }

        struct Report: Encodable {
            var source: String?
            /// oracle.auth: how requests are signed.
            var auth: String
            /// When the session token in use expires (RFC 3339), for token credentials.
            var tokenExpires: String?
            var keys: [Key]
            var configuration: EncodableConfigValue

            enum CodingKeys: String, CodingKey {
                case source, auth, keys, configuration
                case tokenExpires = "token_expires"
            }
        }

        func run() async throws {
            let configuration = try config.load()
            var keys: [Key] = []
            for (section, configured) in [
                ("oracle", configuration.oracle.credentials), ("oracle_f", configuration.functions.credentials),
                ("oracle_oss", configuration.storage.credentials),
            ] {
                guard let credentials = configured.apiKey else { continue }
                if let index = keys.firstIndex(where: { $0.keyFile == credentials.keyFile && $0.fingerprint == credentials.fingerprint }) {
                    keys[index].sections.append(section)
                    continue
                }
                do {
                    _ = try RequestSigner(credentials: credentials, section: section)
                } catch {
                    throw CLIFailure.usage(error.description)
                }
                keys.append(Key(sections: [section], keyFile: credentials.keyFile, fingerprint: credentials.fingerprint))
            }
            let tokenExpires = try Self.checkCredentials(configuration).map { Date(timeIntervalSince1970: Double($0)).ISO8601Format() }
            let masked: ConfigValue
            do {
                masked = try ConfigValue(json: configuration.maskedJSON)
            } catch {
                throw CLIFailure.failed("the merged configuration could not be read back: \(error)")
            }
            if output.json {
                return try Console.json(Report(source: configuration.source, auth: configuration.oracle.auth.rawValue, tokenExpires: tokenExpires, keys: keys, configuration: EncodableConfigValue(value: masked)))
            }
            Console.line("The configuration \(configuration.source ?? "given") is valid.")
            Console.line("Requests are signed with auth: \(configuration.oracle.auth.rawValue).")
            if let tokenExpires { Console.line("The session token expires at \(tokenExpires).") }
            for key in keys {
                Console.line("The API key \(key.keyFile) matches fingerprint \(key.fingerprint) (\(key.sections.joined(separator: ", "))).")
            }
            Console.line("")
            Self.render(masked, indent: "").forEach(Console.line)
        }

        /// Gets a signer from each section's credentials (reading a token, or fetching one for instance
        /// principals), so an expired or unreachable one is reported here; returns the token's expiry.
        static func checkCredentials(_ configuration: Configuration) throws(CLIFailure) -> Int? {
            do {
                let credentials = try SessionCredentials(configuration: configuration)
                for provider in [credentials.functionsProvider, credentials.storageProvider] { _ = try provider.signer() }
                return credentials.functionsProvider.expiry()
            } catch let error as CredentialError {
                throw error.kind == .configuration ? .usage(error.description) : .failed(error.description)
            } catch {
                throw .usage("\(error)")
            }
        }

        /// The tree as YAML-style lines, keys in their written order.
        static func render(_ value: ConfigValue, indent: String) -> [String] {
            guard let entries = value.mapEntries else { return [indent + scalar(value)] }
            return entries.flatMap { key, inner -> [String] in
                switch inner {
                case .map: return ["\(indent)\(key):"] + render(inner, indent: indent + "    ")
                default: return ["\(indent)\(key): \(scalar(inner))"]
                }
            }
        }

        private static func scalar(_ value: ConfigValue) -> String {
            switch value {
            case .null: return ""
            case .bool(let b): return String(b)
            case .int(let i): return String(i)
            case .double(let d): return String(d)
            case .string(let s): return s
            case .list, .map: return value.json
            }
        }
    }
}

/// A configuration tree in an encoded document.
struct EncodableConfigValue: Encodable {
    let value: ConfigValue

    private struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .map(let entries):
            var container = encoder.container(keyedBy: Key.self)
            for (key, inner) in entries { try container.encode(EncodableConfigValue(value: inner), forKey: Key(stringValue: key)) }
        case .list(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(EncodableConfigValue(value: item)) }
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let b):
            var container = encoder.singleValueContainer()
            try container.encode(b)
        case .int(let i):
            var container = encoder.singleValueContainer()
            try container.encode(i)
        case .double(let d):
            var container = encoder.singleValueContainer()
            try container.encode(d)
        case .string(let s):
            var container = encoder.singleValueContainer()
            try container.encode(s)
        }
    }
}
