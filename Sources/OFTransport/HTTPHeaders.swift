/// HTTP header fields in the order given. Names compare case-insensitively, as HTTP says;
/// values are kept as sent.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Field = (name: String, value: String)

    private var fields: [Field]

    public init() { fields = [] }

    public init(_ fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }

    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    public static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.elementsEqual(b.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    public var count: Int { fields.count }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.same($0.name, name) }?.value
    }

    /// Sets `name` to `value`, replacing every earlier field of that name.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    public mutating func remove(_ name: String) { fields.removeAll { Self.same($0.name, name) } }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Header names are ASCII tokens: compared byte by byte, ignoring ASCII case, without making strings.
    static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8) { asciiLowercase($0) == asciiLowercase($1) }
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}

extension HTTPHeaders {
    /// Header names whose values are credentials. Log lines and error messages show
    /// them as "<redacted>".
    static func isSecret(_ name: String) -> Bool {
        let lower = name.lowercased()
        if ["authorization", "proxy-authorization", "cookie", "set-cookie"].contains(lower) { return true }
        return ["token", "secret", "password", "passphrase", "pass-phrase", "api-key", "credential"]
            .contains { lower.contains($0) }
    }

    /// "name: value" pairs for a log line, credentials redacted.
    public var redactedDescription: String {
        fields.map { "\($0.name): \(Self.isSecret($0.name) ? "<redacted>" : $0.value)" }.joined(separator: ", ")
    }
}
