// Shared by the libFuzzer targets (scripts/fuzz.sh): the fuzzer's bytes read as a small text record, so a
// seed corpus stays readable and a mutation that adds or drops a newline moves a field.

/// The input of one fuzz iteration.
public struct FuzzInput {
    public let bytes: [UInt8]

    public init(_ start: UnsafeRawPointer?, _ count: Int) {
        bytes = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
    }

    /// The bytes as text, invalid UTF-8 repaired, as a caller reading a file without checking would see them.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The first byte picks one of `count` cases; the rest is the case's input.
    public func selector(_ count: Int) -> (choice: Int, rest: FuzzInput) {
        guard let first = bytes.first else { return (0, self) }
        return (Int(first) % count, FuzzInput(bytes: Array(bytes.dropFirst())))
    }

    /// `first line`, `second line`, header lines `name: value` up to an empty line, then the rest as a body.
    public var request: (method: String, target: String, headers: [(String, String)], body: [UInt8]) {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 2, omittingEmptySubsequences: false)[...]
        let method = lines.popFirst().map { String(decoding: $0, as: UTF8.self) } ?? ""
        let target = lines.popFirst().map { String(decoding: $0, as: UTF8.self) } ?? ""
        var rest = lines.popFirst().map(Array.init) ?? []
        var headers: [(String, String)] = []
        while !rest.isEmpty {
            let end = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
            let line = rest[..<end]
            rest = end < rest.endIndex ? Array(rest[(end + 1)...]) : []
            if line.isEmpty { break }
            let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
            let name = String(decoding: line[..<colon], as: UTF8.self)
            let value = colon < line.endIndex ? String(decoding: line[(colon + 1)...], as: UTF8.self) : ""
            headers.append((name, value.hasPrefix(" ") ? String(value.dropFirst()) : value))
        }
        return (method, target, headers, rest)
    }

    init(bytes: [UInt8]) { self.bytes = bytes }
}

/// A property of the code under test that does not hold: a crash libFuzzer records with its input.
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz property violated: \(message())") }
}
