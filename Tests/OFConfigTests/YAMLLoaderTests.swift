@testable import OFConfig
import XCTest

final class YAMLLoaderTests: XCTestCase {
    private func load(_ text: String) throws -> ConfigValue { try YAMLLoader.load(text, source: "test.yaml") }

    private func loadError(_ text: String) -> ConfigError? {
        configError { () throws(ConfigError) in try YAMLLoader.load(text, source: "test.yaml") }
    }

    func testScalarsResolveAsPyYAMLSafeLoad() {
        let cases: [(String, ConfigValue)] = [
            ("", .null), ("~", .null), ("null", .null), ("NULL", .null),
            ("true", .bool(true)), ("Yes", .bool(true)), ("on", .bool(true)),
            ("false", .bool(false)), ("NO", .bool(false)), ("Off", .bool(false)),
            ("42", .int(42)), ("-7", .int(-7)), ("+3", .int(3)), ("1_000", .int(1000)), ("0x1F", .int(31)),
            ("0o17", .int(15)), ("017", .int(15)), ("0b101", .int(5)), ("0", .int(0)),
            ("2.5", .double(2.5)), ("-0.5", .double(-0.5)), ("1.5e3", .double(1500)), (".inf", .double(.infinity)),
            ("-.inf", .double(-.infinity)),
            ("1e3", .string("1e3")), ("nan", .string("nan")), ("inf", .string("inf")), ("09", .string("09")),
            ("eu-madrid-1", .string("eu-madrid-1")), ("82:ce:c5", .string("82:ce:c5")), ("1.2.3", .string("1.2.3")),
            ("99999999999999999999", .string("99999999999999999999")), ("-", .string("-")),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(YAMLLoader.resolvePlain(text), expected, text)
        }
        guard case .double(let nan) = YAMLLoader.resolvePlain(".nan") else { return XCTFail(".nan is a number") }
        XCTAssertTrue(nan.isNaN)
    }

    func testQuotedAndTaggedScalarsStayText() throws {
        let value = try load("a: '300'\nb: \"yes\"\nc: !!str 12\nd: 12\ne: |\n  two\n  lines\n")
        XCTAssertEqual(value, .map([
            ("a", .string("300")), ("b", .string("yes")), ("c", .string("12")), ("d", .int(12)), ("e", .string("two\nlines\n")),
        ]))
    }

    func testNestedStructuresKeepKeyOrder() throws {
        let value = try load("z:\n  - 1\n  - [a, b]\n  - {k: v}\na: {}\nm: []\n")
        XCTAssertEqual(value, .map([
            ("z", .list([.int(1), .list([.string("a"), .string("b")]), .map([("k", .string("v"))])])),
            ("a", .map([])), ("m", .list([])),
        ]))
        XCTAssertEqual(value.mapEntries?.map(\.0), ["z", "a", "m"])
    }

    func testEmptyAndCommentOnlyDocumentsAreNull() throws {
        XCTAssertEqual(try load(""), .null)
        XCTAssertEqual(try load("# nothing here\n"), .null)
        XCTAssertEqual(try load("--- \n"), .null)
    }

    func testAnchorsAndAliases() throws {
        let value = try load("base: &creds {user: u, region: r}\ncopy: *creds\nn: &n 5\nlist: [*n, *n]\n")
        XCTAssertEqual(value["copy"], value["base"])
        XCTAssertEqual(value["list"], .list([.int(5), .int(5)]))
        let keyAlias = try load("k: &name region\n*name : eu-madrid-1\n")
        XCTAssertEqual(keyAlias["region"], .string("eu-madrid-1"))
    }

    func testAliasExpansionIsBounded() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...6 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let error = loadError(text)
        XCTAssertTrue(error?.description.contains("expands to more than 100000 values") == true, error?.description ?? "")
    }

    func testALongStringAliasedManyTimesIsBoundedByItsText() {
        let text = "big: &big \(String(repeating: "x", count: 100_000))\nmany: [\(Array(repeating: "*big", count: 1_000).joined(separator: ", "))]\n"
        let error = loadError(text)
        XCTAssertTrue(error?.description.contains("more than 4194304 bytes of text") == true, error?.description ?? "accepted")
    }

    func testLargeDocumentsWithinTheBoundsLoadWhole() throws {
        let items = try load("items: [\((0..<50_000).map(String.init).joined(separator: ", "))]\n")
        guard case .list(let list)? = items["items"] else { return XCTFail("items is not a list") }
        XCTAssertEqual(list.count, 50_000)
        XCTAssertEqual(list.last, .int(49_999))
        let keys = try load((0..<30_000).map { "k\($0): \($0)" }.joined(separator: "\n"))
        XCTAssertEqual(keys.mapEntries?.count, 30_000)
        XCTAssertEqual(keys["k29999"], .int(29_999))
        let twice = loadError((0..<1_000).map { "k\($0): 1" }.joined(separator: "\n") + "\nk7: 2\n")
        XCTAssertTrue(twice?.description.contains("the key \"k7\" is set twice") == true, twice?.description ?? "accepted")
    }

    func testNestingIsBounded() {
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let error = loadError(deep)
        XCTAssertTrue(error?.description.contains("nest deeper than 128 levels") == true, error?.description ?? "")
    }

    func testStructuralErrorsGiveTheLine() {
        XCTAssertEqual(loadError("a: 1\nb: 2\na: 3\n")?.description,
                       "test.yaml, line 3: the key \"a\" is set twice in the same mapping; keep one of them")
        XCTAssertTrue(loadError("? [a, b]\n: c\n")?.description.contains("line 1: a list or mapping is used as a key") == true)
        XCTAssertTrue(loadError("a: &x [1]\n*x : 2\n")?.description.contains("the alias *x is used as a key") == true)
    }

    func testSyntaxErrorsGiveLineAndColumn() {
        let error = loadError("oracle:\n  user: \"unterminated\n")
        XCTAssertNil(error?.section)
        XCTAssertNil(error?.key)
        XCTAssertTrue(error?.description.hasPrefix("test.yaml is not valid YAML: at line 3, column 1:") == true, error?.description ?? "")
        let tab = loadError("a:\n\tb: 1\n")
        XCTAssertTrue(tab?.description.contains("at line 2, column 1") == true, tab?.description ?? "")
    }

    func testInvalidUTF8IsReportedByByteOffset() throws {
        let bytes: [UInt8] = Array("a: ".utf8) + [0xC3, 0x28]
        let text = String(decoding: bytes, as: UTF8.self)  // the invalid pair becomes U+FFFD, which is valid
        XCTAssertEqual(try load(text)["a"], .string("\u{FFFD}("))
        let control = loadError("a: \u{07}\n")
        XCTAssertTrue(control?.description.contains("at byte 4") == true, control?.description ?? "")
    }
}
