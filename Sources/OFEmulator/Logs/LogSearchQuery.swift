import Foundation

/// The part of OCI Logging's search query language that reading Functions invoke logs needs:
///
///     search "<compartment>[/<log group>[/<log>]]" [, "<scope>" ...]
///         [| where <field> <op> <value> [and|or ...]] [| sort by <field> [asc|desc]]
///
/// Operators `=`, `!=`, `<`, `<=`, `>`, `>=`; values in single or double quotes, or numbers; `and` binds tighter
/// than `or`; parentheses group. Fields are dotted paths into a record's `logContent` (`data.message`, `type`,
/// `oracle.logid`; a leading `logContent.` is allowed) or `datetime`. Keywords are case-insensitive.
struct LogSearchQuery: Sendable, Equatable {
    /// What a `search` names: a compartment, and within it maybe a log group and a log (by OCID or name).
    struct Scope: Sendable, Equatable {
        var compartment: String
        var logGroup: String?
        var log: String?
    }

    enum Comparison: String, Sendable, Equatable, CaseIterable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    indirect enum Condition: Sendable, Equatable {
        case compare(field: [String], Comparison, JSONValue)
        case and(Condition, Condition)
        case or(Condition, Condition)
    }

    struct Sort: Sendable, Equatable {
        var field: [String]
        var ascending: Bool
    }

    var scopes: [Scope]
    var conditions: [Condition] = []
    var sort: Sort?

    /// Parses a query; the error names what is wrong and where.
    init(_ text: String) throws(OCIError) {
        var parser = Parser(tokens: try Lexer.tokens(text))
        self = try parser.query()
    }

    init(scopes: [Scope], conditions: [Condition] = [], sort: Sort? = nil) {
        self.scopes = scopes
        self.conditions = conditions
        self.sort = sort
    }

    // MARK: Evaluation

    /// Whether a record (`{"datetime": ..., "logContent": {...}}`) meets every `where`.
    func matches(_ record: JSONValue) -> Bool {
        conditions.allSatisfy { Self.holds($0, record) }
    }

    /// The records in the query's order (as given when it has no `sort`).
    func sorted(_ records: [JSONValue]) -> [JSONValue] {
        guard let sort else { return records }
        // enumerated so that equal keys keep their order
        return records.enumerated().sorted { left, right in
            let order = Self.order(Self.value(sort.field, in: left.element), Self.value(sort.field, in: right.element))
            if order == .orderedSame { return left.offset < right.offset }
            return sort.ascending ? order == .orderedAscending : order == .orderedDescending
        }.map(\.element)
    }

    private static func holds(_ condition: Condition, _ record: JSONValue) -> Bool {
        switch condition {
        case .and(let left, let right): holds(left, record) && holds(right, record)
        case .or(let left, let right): holds(left, record) || holds(right, record)
        case .compare(let field, let comparison, let expected):
            compare(value(field, in: record), comparison, expected)
        }
    }

    private static func compare(_ actual: JSONValue?, _ comparison: Comparison, _ expected: JSONValue) -> Bool {
        guard let actual else { return comparison == .notEqual }
        let result = Self.order(actual, expected)
        switch comparison {
        case .equal: return result == .orderedSame
        case .notEqual: return result != .orderedSame
        case .less: return result == .orderedAscending
        case .lessOrEqual: return result != .orderedDescending
        case .greater: return result == .orderedDescending
        case .greaterOrEqual: return result != .orderedAscending
        }
    }

    /// Numbers by value, anything else by its text; a missing value sorts first.
    private static func order(_ left: JSONValue?, _ right: JSONValue?) -> ComparisonResult {
        switch (left, right) {
        case (nil, nil): return .orderedSame
        case (nil, _): return .orderedAscending
        case (_, nil): return .orderedDescending
        case (.number(let l)?, .number(let r)?): return l == r ? .orderedSame : (l < r ? .orderedAscending : .orderedDescending)
        case (let l?, let r?):
            let (a, b) = (text(l), text(r))
            return a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
        }
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let number): number.rounded() == number ? String(Int64(number)) : String(number)
        case .bool(let flag): String(flag)
        case .null: ""
        case .array, .object: (try? String(decoding: JSONEncoder().encode(value), as: UTF8.self)) ?? ""
        }
    }

    /// The value at a field path: `datetime` at the top, anything else under `logContent`.
    static func value(_ field: [String], in record: JSONValue) -> JSONValue? {
        var path = field[...]
        if path.first == "logContent" { path = path.dropFirst() }
        var current: JSONValue? = path.first == "datetime" && path.count == 1 ? record : Self.member("logContent", of: record)
        for name in path {
            current = current.flatMap { Self.member(name, of: $0) }
        }
        return current
    }

    private static func member(_ name: String, of value: JSONValue) -> JSONValue? {
        guard case .object(let members) = value else { return nil }
        return members[name]
    }
}

// MARK: Parsing

extension LogSearchQuery {
    enum Token: Sendable, Equatable {
        case word(String)
        case quoted(String)
        case number(Double)
        case symbol(String)
    }

    enum Lexer {
        static func tokens(_ text: String) throws(OCIError) -> [Token] {
            var tokens: [Token] = []
            var index = text.startIndex
            while index < text.endIndex {
                let character = text[index]
                if character.isWhitespace {
                    index = text.index(after: index)
                } else if character == "'" || character == "\"" {
                    var value = ""
                    var position = text.index(after: index)
                    var closed = false
                    while position < text.endIndex {
                        let next = text[position]
                        if next == "\\", text.index(after: position) < text.endIndex {
                            position = text.index(after: position)
                            value.append(text[position])
                        } else if next == character {
                            closed = true
                            break
                        } else {
                            value.append(next)
                        }
                        position = text.index(after: position)
                    }
                    guard closed else {
                        throw .invalidParameter("The search query has an unclosed \(character) at \(Self.offset(index, in: text)): close the quoted text.")
                    }
                    tokens.append(.quoted(value))
                    index = text.index(after: position)
                } else if let symbol = ["!=", "<=", ">=", "=", "<", ">", "|", "(", ")", ","].first(where: { text[index...].hasPrefix($0) }) {
                    tokens.append(.symbol(symbol))
                    index = text.index(index, offsetBy: symbol.count)
                } else if character.isNumber || (character == "-" && text.index(after: index) < text.endIndex && text[text.index(after: index)].isNumber) {
                    let end = text[text.index(after: index)...].firstIndex { !($0.isNumber || $0 == ".") } ?? text.endIndex
                    guard let number = Double(text[index..<end]) else {
                        throw .invalidParameter("The search query has a malformed number '\(text[index..<end])' at \(Self.offset(index, in: text)).")
                    }
                    tokens.append(.number(number))
                    index = end
                } else if character.isLetter || character == "_" {
                    let end = text[index...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") } ?? text.endIndex
                    tokens.append(.word(String(text[index..<end])))
                    index = end
                } else {
                    throw .invalidParameter("The search query has an unexpected '\(character)' at \(Self.offset(index, in: text)).")
                }
            }
            return tokens
        }

        private static func offset(_ index: String.Index, in text: String) -> String {
            "character \(text.distance(from: text.startIndex, to: index) + 1)"
        }
    }

    struct Parser {
        let tokens: [Token]
        var position = 0

        mutating func query() throws(OCIError) -> LogSearchQuery {
            try expectWord("search", "a search query starts with search \"<compartment OCID>/<log group>/<log>\"")
            var scopes = [try scope()]
            while peek == .symbol(",") {
                position += 1
                scopes.append(try scope())
            }
            var query = LogSearchQuery(scopes: scopes)
            while position < tokens.count {
                guard take() == .symbol("|") else {
                    throw Self.invalid("expected '|' before \(describe(at: position - 1))")
                }
                guard case .word(let stage) = take() else {
                    throw Self.invalid("expected where or sort after '|'")
                }
                switch stage.lowercased() {
                case "where": query.conditions.append(try disjunction())
                case "sort":
                    try expectWord("by", "write sort by <field> [asc|desc]")
                    let field = try fieldName("after sort by")
                    var ascending = true
                    if case .word(let direction) = peek, ["asc", "desc"].contains(direction.lowercased()) {
                        ascending = direction.lowercased() == "asc"
                        position += 1
                    }
                    query.sort = Sort(field: field, ascending: ascending)
                default:
                    throw Self.invalid("'\(stage)' is not served; the emulator's search serves where and sort by")
                }
            }
            return query
        }

        private mutating func scope() throws(OCIError) -> Scope {
            guard case .quoted(let text) = take() else {
                throw Self.invalid("search takes a quoted scope: \"<compartment OCID>\", \"<compartment>/<log group>\" or \"<compartment>/<log group>/<log>\"")
            }
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
                throw Self.invalid("the scope \"\(text)\" is not \"<compartment OCID>[/<log group>[/<log>]]\"")
            }
            return Scope(compartment: parts[0], logGroup: parts.count > 1 ? parts[1] : nil, log: parts.count > 2 ? parts[2] : nil)
        }

        private mutating func disjunction() throws(OCIError) -> Condition {
            var condition = try conjunction()
            while case .word(let word) = peek, word.lowercased() == "or" {
                position += 1
                condition = .or(condition, try conjunction())
            }
            return condition
        }

        private mutating func conjunction() throws(OCIError) -> Condition {
            var condition = try comparison()
            while case .word(let word) = peek, word.lowercased() == "and" {
                position += 1
                condition = .and(condition, try comparison())
            }
            return condition
        }

        private mutating func comparison() throws(OCIError) -> Condition {
            if peek == .symbol("(") {
                position += 1
                let inner = try disjunction()
                guard take() == .symbol(")") else { throw Self.invalid("a '(' in where is not closed") }
                return inner
            }
            let field = try fieldName("in where")
            guard case .symbol(let symbol) = take(), let comparison = Comparison(rawValue: symbol) else {
                throw Self.invalid("expected one of \(Comparison.allCases.map(\.rawValue).joined(separator: " ")) after \(field.joined(separator: "."))")
            }
            switch take() {
            case .quoted(let text): return .compare(field: field, comparison, .string(text))
            case .number(let number): return .compare(field: field, comparison, .number(number))
            default: throw Self.invalid("expected a quoted value or a number after \(field.joined(separator: ".")) \(symbol)")
            }
        }

        private mutating func fieldName(_ place: String) throws(OCIError) -> [String] {
            guard case .word(let name) = take(), !name.hasPrefix("."), !name.hasSuffix("."), !name.contains("..") else {
                throw Self.invalid("expected a field name such as data.message \(place)")
            }
            return name.split(separator: ".").map(String.init)
        }

        private mutating func expectWord(_ word: String, _ hint: String) throws(OCIError) {
            guard case .word(let found) = take(), found.lowercased() == word else { throw Self.invalid(hint) }
        }

        private var peek: Token? { position < tokens.count ? tokens[position] : nil }

        private mutating func take() -> Token? {
            defer { position += 1 }
            return peek
        }

        private func describe(at index: Int) -> String {
            guard index < tokens.count else { return "the end" }
            switch tokens[index] {
            case .word(let word): return "'\(word)'"
            case .quoted(let text): return "'\(text)'"
            case .number(let number): return "\(number)"
            case .symbol(let symbol): return "'\(symbol)'"
            }
        }

        private static func invalid(_ what: String) -> OCIError {
            .invalidParameter("The search query is not valid: \(what).")
        }
    }
}
