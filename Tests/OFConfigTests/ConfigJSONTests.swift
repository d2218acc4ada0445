@testable import OFConfig
import XCTest

final class ConfigJSONTests: XCTestCase {
    private func jsonError(_ text: String) -> String {
        configError { () throws(ConfigError) in try ConfigValue(json: text) }?.description ?? ""
    }

    func testParsesEveryKindOfValue() throws {
        let value = try ConfigValue(json: #" {"b": true, "n": null, "i": -12, "d": 1.5e2, "s": "x\"\\\/\n\u00e9\ud83d\ude00", "l": [1, [], {}], "f": false} "#)
        XCTAssertEqual(value, .map([
            ("b", .bool(true)), ("n", .null), ("i", .int(-12)), ("d", .double(150)),
            ("s", .string("x\"\\/\né😀")), ("l", .list([.int(1), .list([]), .map([])])), ("f", .bool(false)),
        ]))
    }

    func testWritesCompactJSONAndRoundTrips() throws {
        let value = ConfigValue.map([
            ("text", .string("tab\t\"quote\" \u{01} é")), ("int", .int(300)), ("double", .double(0.5)),
            ("list", .list([.bool(true), .null])), ("inf", .double(.infinity)),
        ])
        XCTAssertEqual(value.json, #"{"text":"tab\t\"quote\" \u0001 é","int":300,"double":0.5,"list":[true,null],"inf":null}"#)
        let back = try ConfigValue(json: value.json)
        XCTAssertEqual(back["text"], value["text"])
        XCTAssertEqual(back["inf"], .null)
        let finite = ConfigValue.map(value.mapEntries?.filter { $0.0 != "inf" } ?? [])
        XCTAssertEqual(try ConfigValue(json: finite.json), finite)
    }

    func testLargeAndExponentNumbersBecomeDoubles() throws {
        XCTAssertEqual(try ConfigValue(json: "1e3"), .double(1000))
        XCTAssertEqual(try ConfigValue(json: "18446744073709551616"), .double(18446744073709551616))
        XCTAssertEqual(try ConfigValue(json: "-0"), .int(0))
    }

    func testRejectsMalformedJSONWithItsPosition() {
        XCTAssertTrue(jsonError("{\"a\": 1,}").contains("invalid JSON at byte 9: expected a string key"))
        XCTAssertTrue(jsonError("[1 2]").contains("expected ',' or ']'"))
        XCTAssertTrue(jsonError("{\"a\" 1}").contains("expected ':' after the key \"a\""))
        XCTAssertTrue(jsonError("{\"a\": 1, \"a\": 2}").contains("the key \"a\" appears twice"))
        XCTAssertTrue(jsonError("tru").contains("expected true"))
        XCTAssertTrue(jsonError("01").contains("unexpected text after the JSON value"))
        XCTAssertTrue(jsonError("1.").contains("expected a digit after '.'"))
        XCTAssertTrue(jsonError("1e").contains("expected a digit in the exponent"))
        XCTAssertTrue(jsonError("-").contains("expected a digit"))
        XCTAssertTrue(jsonError("\"abc").contains("a string is not closed"))
        XCTAssertTrue(jsonError("\"a\nb\"").contains("a control character must be escaped"))
        XCTAssertTrue(jsonError(#""\x""#).contains("unknown escape '\\x'"))
        XCTAssertTrue(jsonError(#""\u12""#).contains("expected four hex digits"))
        XCTAssertTrue(jsonError(#""\ud83d""#).contains("expected a low surrogate"))
        XCTAssertTrue(jsonError(#""\ude00""#).contains("a lone surrogate"))
        XCTAssertTrue(jsonError("").contains("unexpected end of input"))
        XCTAssertTrue(jsonError("@").contains("unexpected character '@'"))
        XCTAssertTrue(jsonError(String(repeating: "[", count: 1000)).contains("nested deeper than 128 levels"))
    }

    func testSubscriptAndEquality() {
        let map = ConfigValue.map([("a", .int(1)), ("b", .string("x"))])
        XCTAssertEqual(map["a"], .int(1))
        XCTAssertNil(map["c"])
        XCTAssertNil(ConfigValue.int(1)["a"])
        XCTAssertNotEqual(map, .map([("b", .string("x")), ("a", .int(1))]), "maps compare in order")
        XCTAssertNotEqual(ConfigValue.int(1), .double(1))
        XCTAssertEqual(map.setting("a", to: .int(2))["a"], .int(2))
        XCTAssertEqual(map.setting("c", to: .null).mapEntries?.map(\.0), ["a", "b", "c"])
    }
}
