// YAML text to a ConfigValue tree through libyaml's event parser. Scalars resolve as PyYAML's safe_load
// resolves them (YAML 1.1: yes/no/on/off are booleans), since Lithops users write their files for it.
import CYAML

enum YAMLLoader {
    /// Nesting deeper than this is refused rather than risking the stack.
    static let maxDepth = 128
    /// Nodes a document may expand to, aliases counted at their full size ("billion laughs").
    static let maxNodes = 100_000
    /// Bytes of text a document may expand to, aliases counted at their full size: a long string aliased
    /// many times is as much a bomb as many nodes.
    static let maxTextBytes = 4 << 20

    /// The document's root value; `.null` for an empty document.
    static func load(_ text: String, source: String) throws(ConfigError) -> ConfigValue {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return .null }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw ConfigError(section: nil, key: nil, message: "\(source): the YAML parser could not start (out of memory)")
        }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(ConfigError) -> ConfigValue in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = TreeBuilder(source: source)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { throw syntaxError(parser, source: source) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return builder.root ?? .null }
                try builder.accept(event)
            }
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t, source: String) -> ConfigError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        var where_ = "at line \(parser.problem_mark.line + 1), column \(parser.problem_mark.column + 1)"
        if parser.error == YAML_READER_ERROR { where_ = "at byte \(parser.problem_offset + 1)" }
        var message = "\(source) is not valid YAML: \(where_): \(problem)"
        if let context = parser.context {
            message += " (\(String(cString: context)) at line \(parser.context_mark.line + 1), column \(parser.context_mark.column + 1))"
        }
        message += "; fix the syntax there: each key is followed by ':' and a space, and nested keys are indented with spaces"
        return ConfigError(section: nil, key: nil, message: message)
    }

    /// The value of a plain (unquoted, untagged) scalar, resolved as YAML 1.1 does.
    static func resolvePlain(_ text: String) -> ConfigValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return .bool(true)
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        if let whole = resolveInt(text) { return .int(whole) }
        if let number = resolveFloat(text) { return .double(number) }
        return .string(text)
    }

    private static func resolveInt(_ text: String) -> Int? {
        var digits = Substring(text.filter { $0 != "_" })
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.first?.isNumber == true else { return nil }
        let radix: Int
        if digits.hasPrefix("0x") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0o") {
            radix = 8
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0b") {
            radix = 2
            digits = digits.dropFirst(2)
        } else if digits.count > 1, digits.hasPrefix("0") {
            radix = 8  // YAML 1.1 octal, e.g. 0755
        } else {
            radix = 10
        }
        guard !digits.isEmpty, let magnitude = Int(digits, radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }

    private static func resolveFloat(_ text: String) -> Double? {
        let allowed: Set<Character> = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ".", "_", "e", "E", "+", "-"]
        guard text.contains("."), text.contains(where: \.isNumber), text.allSatisfy(allowed.contains) else { return nil }
        return Double(text.filter { $0 != "_" })
    }
}

/// Folds libyaml's events into one document's tree, in time linear in its size.
private struct TreeBuilder {
    /// A list or mapping being read. A class, so that adding to it does not copy what it holds.
    final class Frame {
        let isMap: Bool
        let anchor: String?
        var items: [ConfigValue] = []
        var entries: [(String, ConfigValue)] = []
        var keys: Set<String> = []
        /// A mapping's key whose value comes next.
        var pendingKey: String?

        init(isMap: Bool, anchor: String?) {
            self.isMap = isMap
            self.anchor = anchor
        }

        var expectsKey: Bool { isMap && pendingKey == nil }
        var value: ConfigValue { isMap ? .map(entries) : .list(items) }
    }

    /// What an anchor stands for, and what each use of it costs.
    struct Anchored {
        var value: ConfigValue
        var nodes: Int
        var bytes: Int
    }

    let source: String
    var stack: [Frame] = []
    var root: ConfigValue?
    var documents = 0
    var anchors: [String: Anchored] = [:]
    var nodes = 0
    var bytes = 0

    init(source: String) { self.source = source }

    mutating func accept(_ event: yaml_event_t) throws(ConfigError) {
        let line = event.start_mark.line + 1
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            guard documents == 1 else {
                throw failure(line, "a second YAML document starts here ('---'); a configuration is one document, so remove the second")
            }
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            try count(nodes: 1, bytes: scalar.length, line: line)
            if stack.last?.expectsKey == true {
                try beginEntry(key: text, line: line)
                return
            }
            let value = Self.isPlainUntagged(style: scalar.style, tag: scalar.tag) ? YAMLLoader.resolvePlain(text) : .string(text)
            if let anchor = Self.text(scalar.anchor) { anchors[anchor] = Anchored(value: value, nodes: 1, bytes: scalar.length) }
            try add(value, line: line)
        case YAML_ALIAS_EVENT:
            let name = Self.text(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                throw failure(line, "the alias *\(name) is used before any &\(name) anchor; define the anchor first")
            }
            try count(nodes: target.nodes, bytes: target.bytes, line: line)
            if stack.last?.expectsKey == true {
                guard case .string(let key) = target.value else {
                    throw failure(line, "the alias *\(name) is used as a key, but it is not a plain text value; write the key out")
                }
                try beginEntry(key: key, line: line)
                return
            }
            try add(target.value, line: line)
        case YAML_SEQUENCE_START_EVENT:
            try push(Frame(isMap: false, anchor: Self.text(event.data.sequence_start.anchor)), line: line)
        case YAML_MAPPING_START_EVENT:
            try push(Frame(isMap: true, anchor: Self.text(event.data.mapping_start.anchor)), line: line)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let value = frame.value
            if let anchor = frame.anchor {
                let (nodes, bytes) = Self.size(value)
                anchors[anchor] = Anchored(value: value, nodes: nodes, bytes: bytes)
            }
            try add(value, line: line)
        default:
            break  // stream start, document end: nothing to build
        }
    }

    /// Whether a scalar is to be resolved (plain style, not tagged !!str) or kept as text.
    private static func isPlainUntagged(style: yaml_scalar_style_t, tag: UnsafeMutablePointer<yaml_char_t>?) -> Bool {
        guard style == YAML_PLAIN_SCALAR_STYLE else { return false }
        guard let tag = text(tag) else { return true }
        return tag != "tag:yaml.org,2002:str"
    }

    private mutating func push(_ frame: Frame, line: Int) throws(ConfigError) {
        if stack.last?.expectsKey == true {
            throw failure(line, "a list or mapping is used as a key; keys must be plain names such as max_workers")
        }
        guard stack.count < YAMLLoader.maxDepth else {
            throw failure(line, "values nest deeper than \(YAMLLoader.maxDepth) levels; a configuration needs two")
        }
        try count(nodes: 1, bytes: 0, line: line)
        stack.append(frame)
    }

    private func beginEntry(key: String, line: Int) throws(ConfigError) {
        guard let top = stack.last, top.expectsKey else { return }
        guard top.keys.insert(key).inserted else {
            throw failure(line, "the key \"\(key)\" is set twice in the same mapping; keep one of them")
        }
        top.pendingKey = key
    }

    private mutating func add(_ value: ConfigValue, line: Int) throws(ConfigError) {
        guard let top = stack.last else {
            root = value
            return
        }
        if top.isMap {
            guard let key = top.pendingKey else {
                throw failure(line, "a list or mapping is used as a key; keys must be plain names such as max_workers")
            }
            top.entries.append((key, value))
            top.pendingKey = nil
        } else {
            top.items.append(value)
        }
    }

    private mutating func count(nodes added: Int, bytes addedBytes: Int, line: Int) throws(ConfigError) {
        nodes += added
        bytes += addedBytes
        guard nodes <= YAMLLoader.maxNodes else {
            throw failure(line, "the document expands to more than \(YAMLLoader.maxNodes) values (through aliases); a configuration needs a few dozen")
        }
        guard bytes <= YAMLLoader.maxTextBytes else {
            throw failure(line, "the document expands to more than \(YAMLLoader.maxTextBytes) bytes of text (through aliases); a configuration needs a few kilobytes")
        }
    }

    private func failure(_ line: Int, _ problem: String) -> ConfigError {
        ConfigError(section: nil, key: nil, message: "\(source), line \(line): \(problem)")
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// Nodes and bytes of text in a value, as the counts above weigh them.
    private static func size(_ value: ConfigValue) -> (nodes: Int, bytes: Int) {
        switch value {
        case .list(let items):
            return items.reduce((1, 0)) { total, item in let (n, b) = size(item); return (total.0 + n, total.1 + b) }
        case .map(let entries):
            return entries.reduce((1, 0)) { total, entry in let (n, b) = size(entry.1); return (total.0 + n, total.1 + b + entry.0.utf8.count) }
        case .string(let text):
            return (1, text.utf8.count)
        default:
            return (1, 8)
        }
    }
}
