@testable import OFEmulator
import XCTest

final class LogSearchQueryTests: XCTestCase {
    private func record(_ message: String, millis: Double, src: String = "STDOUT") -> JSONValue {
        .object([
            "datetime": .number(millis),
            "logContent": .object([
                "type": .string(InvokeLogRecords.type), "subject": .string(""),
                "data": .object(["message": .string(message), "src": .string(src)]),
            ]),
        ])
    }

    func testScopesOfACompartmentAGroupAndALog() throws {
        let query = try LogSearchQuery(#"SEARCH "c", "c/g", "c/g/l""#)
        XCTAssertEqual(query.scopes, [.init(compartment: "c"), .init(compartment: "c", logGroup: "g"), .init(compartment: "c", logGroup: "g", log: "l")])
        XCTAssertEqual(query.conditions, [])
        XCTAssertNil(query.sort)
    }

    func testWhereWithAndOrParenthesesAndQuotes() throws {
        let query = try LogSearchQuery(#"search "c" | where (data.message = 'it\'s' or data.src = "STDERR") and logContent.type != 'x' | sort by datetime desc"#)
        XCTAssertEqual(query.sort, .init(field: ["datetime"], ascending: false))
        let records = [record("it's", millis: 1), record("other", millis: 2), record("other", millis: 3, src: "STDERR")]
        let kept = records.filter(query.matches)
        XCTAssertEqual(kept, [records[0], records[2]])
        XCTAssertEqual(query.sorted(kept), [records[2], records[0]])
    }

    func testNumbersCompareByValueAndMissingFieldsOnlyDiffer() throws {
        let records = [record("a", millis: 9), record("b", millis: 10), record("c", millis: 100)]
        XCTAssertEqual(records.filter(try LogSearchQuery(#"search "c" | where datetime >= 10"#).matches).count, 2)
        XCTAssertEqual(records.filter(try LogSearchQuery(#"search "c" | where datetime < 10"#).matches).count, 1)
        XCTAssertEqual(records.filter(try LogSearchQuery(#"search "c" | where data.nothing = 'a'"#).matches), [])
        XCTAssertEqual(records.filter(try LogSearchQuery(#"search "c" | where data.nothing != 'a'"#).matches), records)
        XCTAssertEqual(try LogSearchQuery(#"search "c" | sort by data.message"#).sorted(Array(records.reversed())), records)
    }

    func testBadQueriesSayWhatIsWrong() {
        let cases: [(String, String)] = [
            ("", "starts with search"),
            (#"search c"#, "quoted scope"),
            (#"search "c/g/l/x""#, "is not \"<compartment OCID>[/<log group>[/<log>]]\""),
            (#"search "c" where"#, "expected '|' before 'where'"),
            (#"search "c" | head 5"#, "'head' is not served"),
            (#"search "c" | where data.message"#, "expected one of = != < <= > >= after data.message"),
            (#"search "c" | where (type = 'a'"#, "'(' in where is not closed"),
            (#"search "c" | where type = 'a"#, "unclosed ' at character 27"),
            (#"search "c" | where type = a"#, "expected a quoted value or a number after type ="),
            (#"search "c" | sort by"#, "field name"),
            (#"search "c" | where type ; 'a'"#, "unexpected ';' at character 25"),
        ]
        for (text, complaint) in cases {
            XCTAssertThrowsError(try LogSearchQuery(text), text) { error in
                let error = error as? OCIError
                XCTAssertEqual(error?.code, "InvalidParameter", text)
                XCTAssertTrue(error?.message.contains(complaint) == true, "\(text): \(String(describing: error))")
            }
        }
    }

    func testRecordIdsAreStablePerLineAndLog() {
        let id = InvokeLogRecords.recordId(sequence: 42, logId: "ocid1.log.oc1..a")
        XCTAssertEqual(id, InvokeLogRecords.recordId(sequence: 42, logId: "ocid1.log.oc1..a"))
        XCTAssertNotEqual(id, InvokeLogRecords.recordId(sequence: 43, logId: "ocid1.log.oc1..a"))
        XCTAssertNotEqual(id, InvokeLogRecords.recordId(sequence: 42, logId: "ocid1.log.oc1..b"))
        XCTAssertEqual(id.split(separator: "-").map(\.count), [8, 4, 4, 4, 12])
        XCTAssertTrue(id.hasSuffix("00000000002a"))
    }

    func testTimesWithAnyFractionAndOffset() {
        XCTAssertEqual(Identifiers.date("2026-06-02T10:20:30Z")?.timeIntervalSince1970, 1_780_395_630)
        XCTAssertEqual(Identifiers.date("2026-06-02T10:20:30.250000Z")?.timeIntervalSince1970, 1_780_395_630.25)
        XCTAssertEqual(Identifiers.date("2026-06-02T12:20:30.5+02:00")?.timeIntervalSince1970, 1_780_395_630.5)
        XCTAssertNil(Identifiers.date("yesterday"))
    }
}
