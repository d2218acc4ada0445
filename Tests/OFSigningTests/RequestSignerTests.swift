import Foundation
import XCTest

@testable import OFSigning

final class RequestSignerTests: XCTestCase {
    private static let now = 1_780_395_630  // Tue, 02 Jun 2026 10:20:30 GMT
    private static let keyId = "ocid1.tenancy.oc1..aaaa/ocid1.user.oc1..bbbb/82:ce:c5:77:08:2b:aa:cc:b5:f5:99:fb:4a:13:96:0d"

    private func makeSigner() throws -> RequestSigner {
        RequestSigner(keyId: Self.keyId, key: try Fixtures.key("test2048_private_pkcs8.pem"), clock: { Self.now })
    }

    private func signedHeaderNames(_ headers: [String: String]) throws -> [String] {
        try AuthorizationHeader.parse(try XCTUnwrap(headers["authorization"])).get().signedHeaders
    }

    func testAddsDateFromTheInjectedClockAndHostFromTheURL() throws {
        let headers = try makeSigner().sign(method: "GET", url: "http://127.0.0.1:8443/n/", headers: [:], body: nil, signBody: nil)
        XCTAssertEqual(headers["date"], "Tue, 02 Jun 2026 10:20:30 GMT")
        XCTAssertEqual(headers["host"], "127.0.0.1:8443")
        XCTAssertEqual(Set(headers.keys), ["date", "host", "authorization"])
        XCTAssertEqual(try signedHeaderNames(headers), ["date", "(request-target)", "host"])
    }

    func testSameInputsAndTimeGiveTheSameHeaders() throws {
        let signer = try makeSigner()
        let sign = { try signer.sign(method: "POST", url: "https://h/x", headers: ["fn-intent": "httprequest"], body: Array("{}".utf8), signBody: nil) }
        XCTAssertEqual(try sign(), try sign())
    }

    func testCallerHeadersAreKeptWithLowercaseNames() throws {
        let headers = try makeSigner().sign(
            method: "GET", url: "https://h/", headers: ["Date": "Mon, 01 Jun 2026 00:00:00 GMT", "Host": "other:1", "Accept": "*/*"],
            body: nil, signBody: nil)
        XCTAssertEqual(headers["date"], "Mon, 01 Jun 2026 00:00:00 GMT")
        XCTAssertEqual(headers["host"], "other:1")
        XCTAssertEqual(headers["accept"], "*/*")
        XCTAssertNil(headers["Date"])
    }

    func testXDateIsSignedInsteadOfDate() throws {
        let onlyXDate = try makeSigner().sign(method: "GET", url: "https://h/", headers: ["x-date": "Mon, 01 Jun 2026 00:00:00 GMT"], body: nil, signBody: nil)
        XCTAssertNil(onlyXDate["date"])
        XCTAssertEqual(try signedHeaderNames(onlyXDate), ["x-date", "(request-target)", "host"])
        let both = try makeSigner().sign(
            method: "GET", url: "https://h/", headers: ["x-date": "Mon, 01 Jun 2026 00:00:00 GMT", "date": "Tue, 02 Jun 2026 10:20:30 GMT"],
            body: nil, signBody: nil)
        XCTAssertEqual(try signedHeaderNames(both), ["x-date", "(request-target)", "host"])
    }

    func testSignedBodyAddsTheBodyHeaders() throws {
        let body = Array("{\"name\":\"world\",\"n\":42}".utf8)
        let headers = try makeSigner().sign(method: "POST", url: "https://h/invoke", headers: [:], body: body, signBody: nil)
        XCTAssertEqual(headers["content-length"], "23")
        XCTAssertEqual(headers["content-type"], "application/json")
        XCTAssertEqual(headers["x-content-sha256"], "xG0kKsr8+Ko+8zRFzR5mtd4Lgz6YhPcYxbf9+jWvoEc=")
        XCTAssertEqual(try signedHeaderNames(headers), ["date", "(request-target)", "host", "content-length", "content-type", "x-content-sha256"])
    }

    func testCallerContentTypeIsKept() throws {
        let headers = try makeSigner().sign(method: "PUT", url: "https://h/20181201/functions/f", headers: ["Content-Type": "text/plain"], body: [1], signBody: nil)
        XCTAssertEqual(headers["content-type"], "text/plain")
    }

    func testSignBodyForcesTheRuleEitherWay() throws {
        let signer = try makeSigner()
        let unsignedPost = try signer.sign(method: "POST", url: "https://h/x", headers: [:], body: [1, 2], signBody: false)
        XCTAssertEqual(try signedHeaderNames(unsignedPost), ["date", "(request-target)", "host"])
        XCTAssertNil(unsignedPost["x-content-sha256"])
        XCTAssertNil(unsignedPost["content-length"])
        let signedGet = try signer.sign(method: "GET", url: "https://h/x", headers: [:], body: nil, signBody: true)
        XCTAssertEqual(signedGet["content-length"], "0")
        XCTAssertEqual(signedGet["x-content-sha256"], "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
    }

    func testObjectStorageUploadsAreSentWithTheBodyUnsigned() throws {
        let headers = try makeSigner().sign(
            method: "PUT", url: "https://h/n/ns/b/bucket/o/dir/data.bin", headers: ["content-type": "application/octet-stream"],
            body: [1, 2, 3], signBody: nil)
        XCTAssertEqual(try signedHeaderNames(headers), ["date", "(request-target)", "host"])
        XCTAssertEqual(headers["content-type"], "application/octet-stream")
    }

    func testSignsBodyFollowsOCIRule() {
        let cases: [(String, String, Bool)] = [
            ("GET", "/n/ns/b/bk/o/obj", false), ("HEAD", "/n/ns/b/bk/o/obj", false), ("DELETE", "/n/ns/b/bk/o/obj", false),
            ("POST", "/20181201/functions/f/actions/invoke", true), ("PATCH", "/anything", true), ("post", "/x", true),
            ("PUT", "/20181201/functions/f", true), ("PUT", "/n/ns/b/bk/o/obj", false), ("put", "/n/ns/b/bk/o/a/b/c", false),
            ("PUT", "/n/ns/b/bk/o/obj?opc-meta=1", false), ("PUT", "/n/ns/b/bk/u/obj?uploadId=u1&uploadPartNum=2", false),
            ("PUT", "/n/ns/b/bk/u/obj?uploadPartNum=2&uploadId=u1", false), ("PUT", "/n/ns/b/bk/u/obj", true),
            ("PUT", "/n/ns/b/bk/o/", true), ("PUT", "/n/ns/b/bk", true), ("PUT", "/n/ns/b//o/obj", true),
            ("PUT", "/n/ns/b/bk/x/obj", true), ("PUT", "/prefix/n/ns/b/bk/o/obj", true), ("OPTIONS", "/", false),
        ]
        for (method, path, expected) in cases {
            XCTAssertEqual(RequestSigner.signsBody(method: method, path: path), expected, "\(method) \(path)")
        }
    }

    func testCallerBodyHeadersMustAgreeWithTheBody() throws {
        let signer = try makeSigner()
        let agreeing = try signer.sign(method: "POST", url: "https://h/x", headers: ["Content-Length": "2"], body: [1, 2], signBody: nil)
        XCTAssertEqual(agreeing["content-length"], "2")
        let lengthError = signingError { _ = try signer.sign(method: "POST", url: "https://h/x", headers: ["content-length": "3"], body: [1, 2], signBody: nil) }
        XCTAssertTrue(lengthError?.description.contains("content-length header \"3\" does not match the body") ?? false)
        let hashError = signingError { _ = try signer.sign(method: "POST", url: "https://h/x", headers: ["x-content-sha256": "AAAA"], body: [1, 2], signBody: nil) }
        XCTAssertTrue(hashError?.description.contains("x-content-sha256 header") ?? false)
    }

    func testAnAuthorizationGivenByTheCallerIsReplaced() throws {
        let headers = try makeSigner().sign(method: "GET", url: "https://h/", headers: ["Authorization": "Bearer stale"], body: nil, signBody: nil)
        XCTAssertTrue(headers["authorization"]?.hasPrefix("Signature algorithm=\"rsa-sha256\"") ?? false)
        XCTAssertNil(headers["Authorization"])
    }

    func testRequestErrorsAreDistinctAndNotKeyErrors() throws {
        let signer = try makeSigner()
        let cases: [(String, () throws -> Void)] = [
            ("is not a method name", { _ = try signer.sign(method: "GE T", url: "https://h/", headers: [:], body: nil, signBody: nil) }),
            ("is not a method name", { _ = try signer.sign(method: "", url: "https://h/", headers: [:], body: nil, signBody: nil) }),
            ("is not absolute", { _ = try signer.sign(method: "GET", url: "/relative", headers: [:], body: nil, signBody: nil) }),
            ("not a valid HTTP header name", { _ = try signer.sign(method: "GET", url: "https://h/", headers: ["bad name": "v"], body: nil, signBody: nil) }),
            ("contains a line break", { _ = try signer.sign(method: "GET", url: "https://h/", headers: ["x-a": "v\r\nx-b: injected"], body: nil, signBody: nil) }),
            ("is given twice", { _ = try signer.sign(method: "GET", url: "https://h/", headers: ["X-A": "1", "x-a": "2"], body: nil, signBody: nil) }),
        ]
        for (fix, sign) in cases {
            let error = signingError(sign)
            XCTAssertEqual(error?.isKeyError, false, fix)
            XCTAssertTrue(error?.description.contains(fix) ?? false, "\(fix): \(error?.description ?? "")")
        }
    }

    func testLineBreakErrorDoesNotRevealTheValue() throws {
        let signer = try makeSigner()
        let error = signingError { _ = try signer.sign(method: "GET", url: "https://h/", headers: ["x-token": "secret\nvalue"], body: nil, signBody: nil) }
        XCTAssertFalse(error?.description.contains("secret") ?? true)
    }

    func testSignsFromEightThreadsWithOneSharedSigner() throws {
        let signer = try makeSigner()
        let expected = try signer.sign(method: "POST", url: "https://h/x", headers: [:], body: Array("payload".utf8), signBody: nil)
        let failures = ConcurrentFailures()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<25 {
                let headers = try? signer.sign(method: "POST", url: "https://h/x", headers: [:], body: Array("payload".utf8), signBody: nil)
                if headers != expected { failures.add("headers differ") }
            }
        }
        XCTAssertEqual(failures.all, [])
    }
}
