import Foundation
import XCTest

@testable import OFSigning

final class Base64Tests: XCTestCase {
    func testRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base64.decode(encoded), Array(plain.utf8))
        }
    }

    func testAgreesWithFoundationOnEveryLengthAndByte() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Base64.encode(bytes)
            XCTAssertEqual(encoded, Data(bytes).base64EncodedString())
            XCTAssertEqual(Base64.decode(encoded), bytes)
        }
        XCTAssertEqual(Base64.encode(Array(0...255)), Data(Array(0...255)).base64EncodedString())
    }

    func testDecodeRefusesAnythingButCanonicalBase64() {
        for bad in ["Zg=", "Zg", "Z===", "====", "Zh==", "Zm9=", "Zg==Zg==", "Zm9v\n", " Zm9v", "Zm9v YmFy", "Zm-_", "Zm9\u{e9}"] {
            XCTAssertNil(Base64.decode(bad), bad)
        }
    }
}

final class HTTPDateTests: XCTestCase {
    func testFormatsKnownDates() {
        XCTAssertEqual(HTTPDate.format(0), "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(1_780_395_630), "Tue, 02 Jun 2026 10:20:30 GMT")
        XCTAssertEqual(HTTPDate.format(1_709_164_800), "Thu, 29 Feb 2024 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(-1), "Wed, 31 Dec 1969 23:59:59 GMT")
        XCTAssertEqual(HTTPDate.format(-2_208_988_800), "Mon, 01 Jan 1900 00:00:00 GMT")
    }

    func testClampsToFourDigitYearsInsteadOfTrapping() {
        XCTAssertEqual(HTTPDate.format(Int.max), "Fri, 31 Dec 9999 23:59:59 GMT")
        XCTAssertEqual(HTTPDate.format(Int.min), "Mon, 01 Jan 0001 00:00:00 GMT")
    }

    func testAgreesWithFoundationFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            // 1900 to 2200.
            let seconds = Int.random(in: -2_208_988_800...7_258_118_400, using: &generator)
            let text = HTTPDate.format(seconds)
            XCTAssertEqual(text, formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
            XCTAssertEqual(HTTPDate.parse(text), seconds)
        }
    }

    func testParseAcceptsTheDocsDateWithItsWrongWeekday() {
        XCTAssertEqual(HTTPDate.parse("Thu, 05 Jan 2014 21:31:40 GMT"), 1_388_957_500)
        XCTAssertEqual(HTTPDate.parse("Sun, 05 Jan 2014 21:31:40 GMT"), 1_388_957_500)
    }

    func testParseAcceptsALeapSecond() {
        XCTAssertEqual(HTTPDate.parse("Wed, 31 Dec 2025 23:59:60 GMT"), HTTPDate.parse("Thu, 01 Jan 2026 00:00:00 GMT"))
    }

    func testParseRefusesWhatIsNotAnIMFFixdate() {
        let bad = [
            "", "Tue, 02 Jun 2026 10:20:30 UTC", "Tue, 02 Jun 2026 10:20:30", "Tue 02 Jun 2026 10:20:30 GMT",
            "Xyz, 02 Jun 2026 10:20:30 GMT", "Tue, 2 Jun 2026 10:20:30 GMT", "Tue, 02 June 2026 10:20:30 GMT",
            "Tue, 02 jun 2026 10:20:30 GMT", "Tue, 02 Jun 26 10:20:30 GMT", "Tue, 31 Jun 2026 10:20:30 GMT",
            "Sat, 29 Feb 2025 10:20:30 GMT", "Tue, 00 Jun 2026 10:20:30 GMT", "Tue, 02 Jun 2026 24:00:00 GMT",
            "Tue, 02 Jun 2026 10:60:00 GMT", "Tue, 02 Jun 2026 10:20:61 GMT", "Tue, 02 Jun 2026 10:20 GMT",
            "Tue,  02 Jun 2026 10:20:30 GMT", "Tue, 02 Jun 2026 10:20:30 GMT ", "Tue, +2 Jun 2026 10:20:30 GMT",
            "Tuesday, 02-Jun-26 10:20:30 GMT", "Tue Jun  2 10:20:30 2026",
        ]
        for text in bad {
            XCTAssertNil(HTTPDate.parse(text), text)
        }
    }
}

final class RequestURLTests: XCTestCase {
    func testHostKeepsThePortAndTargetKeepsThePathAndQueryAsWritten() throws {
        let url = try RequestURL("http://127.0.0.1:8443/n/ns/b/bk/o/a%2Fb?prefix=dir%2Fsub&start=a")
        XCTAssertEqual(url.host, "127.0.0.1:8443")
        XCTAssertEqual(url.target, "/n/ns/b/bk/o/a%2Fb?prefix=dir%2Fsub&start=a")
    }

    func testTargetIsAsPythonRequestsSignsIt() throws {
        XCTAssertEqual(try RequestURL("https://h").target, "/")
        XCTAssertEqual(try RequestURL("https://h?x=1").target, "/?x=1")
        XCTAssertEqual(try RequestURL("https://h/p?").target, "/p")
        XCTAssertEqual(try RequestURL("https://h/p#frag").target, "/p")
        XCTAssertEqual(try RequestURL("https://h/p?b=2&a=1#frag").target, "/p?b=2&a=1")
    }

    func testRefusesURLsThatCannotBeSigned() {
        for (url, fix) in [("/n/ns", "not absolute"), ("https:///n/", "has no host"), ("https://h/a b", "percent-encode"),
                           ("https://h/caf\u{e9}", "percent-encode"), ("://h/p", "not absolute")] {
            let error = signingError { _ = try RequestURL(url) }
            XCTAssertEqual(error?.isKeyError, false, url)
            XCTAssertTrue(error?.description.contains(fix) ?? false, "\(url): \(error?.description ?? "")")
        }
    }
}
