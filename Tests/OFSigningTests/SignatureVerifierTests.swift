import Foundation
import XCTest

@testable import OFSigning

final class SignatureVerifierTests: XCTestCase {
    /// A request as the server receives it.
    private struct Request {
        var method: String
        var target: String
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0 == name }?.1
        }

        mutating func set(_ name: String, _ value: String?) {
            headers.removeAll { $0.0 == name }
            if let value { headers.append((name, value)) }
        }
    }

    private func verifier(for vector: SigningVector, at time: Int? = nil) throws -> SignatureVerifier {
        let now = time ?? vector.signedAt
        return SignatureVerifier(keys: [vector.keyId: try vector.key().publicKey], clock: { now })
    }

    /// The vector's request, built from its signing string and expected Authorization, not from the signer.
    private func receivedRequest(_ vector: SigningVector) throws -> Request {
        let authorization = try XCTUnwrap(vector.pythonOrderAuthorization ?? vector.otherOrderAuthorizations.first)
        return Request(method: vector.method, target: try RequestURL(vector.url).target,
                       headers: vector.signedHeaderValues + [("authorization", authorization)], body: vector.body ?? [])
    }

    /// A request made with our signer, as a transport would send it.
    private func signedRequest(method: String, url: String, headers: [String: String] = [:], body: [UInt8] = [],
                               signBody: Bool? = nil) throws -> (Request, SignatureVerifier) {
        let key = try Fixtures.key("test2048_private_pkcs8.pem")
        let signer = RequestSigner(keyId: "tenancy/user/\(key.fingerprint)", key: key, clock: { 1_780_395_630 })
        let sent = try signer.sign(method: method, url: url, headers: headers, body: body, signBody: signBody)
        let request = Request(method: method, target: try RequestURL(url).target,
                              headers: sent.map { ($0.key, $0.value) }, body: body)
        return (request, SignatureVerifier(keys: [signer.keyId: key.publicKey], clock: { 1_780_395_630 }))
    }

    private func verify(_ request: Request, with verifier: SignatureVerifier) -> Result<String, VerificationFailure> {
        verifier.verify(method: request.method, target: request.target, headers: request.headers, body: request.body)
    }

    private func assertRejected(_ request: Request, by verifier: SignatureVerifier, _ reason: VerificationFailure.Reason,
                                file: StaticString = #filePath, line: UInt = #line) {
        switch verify(request, with: verifier) {
        case .success: XCTFail("accepted, expected \(reason)", file: file, line: line)
        case .failure(let failure): XCTAssertEqual(failure.reason, reason, failure.description, file: file, line: line)
        }
    }

    private func vector(_ name: String) throws -> SigningVector {
        try XCTUnwrap(Fixtures.allVectors().first { $0.name == name })
    }

    func testAcceptsEveryVector() throws {
        for vector in try Fixtures.allVectors() {
            let result = verify(try receivedRequest(vector), with: try verifier(for: vector))
            XCTAssertEqual(try? result.get(), vector.keyId, "\(vector.name): \(result)")
        }
    }

    func testAcceptsWhatTheSignerProducesWithHeaderNamesInAnyCase() throws {
        var (request, verifier) = try signedRequest(method: "POST", url: "https://h/20181201/functions/f/actions/invoke", body: Array("{}".utf8))
        request.headers = request.headers.map { ($0.0.uppercased(), $0.1) }
        XCTAssertEqual(try verify(request, with: verifier).get().hasPrefix("tenancy/user/"), true)
    }

    func testRejectsATamperedBody() throws {
        var request = try receivedRequest(try vector("post_invoke_json_body"))
        request.body[0] ^= 1
        assertRejected(request, by: try verifier(for: try vector("post_invoke_json_body")), .bodyHashMismatch)
    }

    func testRejectsABodyOfAnotherLength() throws {
        var request = try receivedRequest(try vector("post_invoke_json_body"))
        request.body.append(0x20)
        assertRejected(request, by: try verifier(for: try vector("post_invoke_json_body")), .contentLengthMismatch)
    }

    /// A server checks the headers before reading a byte of the body, then the body against what was signed.
    func testHeadersAreVerifiedWithoutTheBodyAndTheBodyAfter() throws {
        let vector = try vector("post_invoke_json_body")
        let request = try receivedRequest(vector)
        let verifier = try verifier(for: vector)
        let signed = try verifier.verifyHeaders(method: request.method, target: request.target, headers: request.headers).get()
        XCTAssertEqual(signed.keyId, vector.keyId)
        XCTAssertNoThrow(try signed.checkBody(request.body).get())
        var tampered = request.body
        tampered[0] ^= 1
        XCTAssertEqual(signed.checkBody(tampered).failureReason, .bodyHashMismatch)
        XCTAssertEqual(signed.checkBody(request.body + [0x20]).failureReason, .contentLengthMismatch)

        var unsigned = request
        unsigned.set("authorization", nil)
        let refused = verifier.verifyHeaders(method: unsigned.method, target: unsigned.target, headers: unsigned.headers)
        XCTAssertEqual(refused.failureReason, .missingAuthorization)
    }

    func testAnUnsignedBodyNeedsNoCheck() throws {
        let (request, verifier) = try signedRequest(method: "PUT", url: "https://h/n/ns/b/bk/o/data.bin", body: [1, 2, 3])
        let signed = try verifier.verifyHeaders(method: request.method, target: request.target, headers: request.headers).get()
        XCTAssertNoThrow(try signed.checkBody(Array(repeating: 9, count: 10)).get(), "PutObject signs neither the length nor the hash")
    }

    func testRejectsABitFlippedSignature() throws {
        let vector = try vector("post_invoke_json_body")
        var request = try receivedRequest(vector)
        var signature = try XCTUnwrap(Base64.decode(vector.signature))
        signature[100] ^= 0x04
        let authorization = try XCTUnwrap(request.header("authorization"))
        request.set("authorization", authorization.replacingOccurrences(of: vector.signature, with: Base64.encode(signature)))
        assertRejected(request, by: try verifier(for: vector), .badSignature)
    }

    func testRejectsASignatureThatIsNotBase64() throws {
        let vector = try vector("get_list_functions_query")
        var request = try receivedRequest(vector)
        let authorization = try XCTUnwrap(request.header("authorization"))
        request.set("authorization", authorization.replacingOccurrences(of: vector.signature, with: "not*base64"))
        assertRejected(request, by: try verifier(for: vector), .badSignature)
    }

    func testRejectsAPostWithoutSignedBodyHeaders() throws {
        let (request, verifier) = try signedRequest(method: "POST", url: "https://h/20181201/functions/f/actions/invoke",
                                                    body: Array("{}".utf8), signBody: false)
        assertRejected(request, by: verifier, .requiredHeaderNotSigned)
    }

    func testAcceptsPutObjectWithAnUnsignedBody() throws {
        let (request, verifier) = try signedRequest(method: "PUT", url: "https://h/n/ns/b/bk/o/data.bin", body: [1, 2, 3])
        XCTAssertNoThrow(try verify(request, with: verifier).get())
    }

    func testRejectsAMissingHost() throws {
        let vector = try vector("get_list_functions_query")
        var request = try receivedRequest(vector)
        request.set("host", nil)
        assertRejected(request, by: try verifier(for: vector), .signedHeaderMissing)
    }

    func testRejectsASignatureThatDoesNotCoverHost() throws {
        let vector = try vector("get_list_functions_query")
        var request = try receivedRequest(vector)
        let authorization = try XCTUnwrap(request.header("authorization"))
        request.set("authorization", authorization.replacingOccurrences(of: "headers=\"date (request-target) host\"", with: "headers=\"date (request-target)\""))
        assertRejected(request, by: try verifier(for: vector), .requiredHeaderNotSigned)
    }

    func testRejectsAChangedPath() throws {
        let vector = try vector("delete_object")
        var request = try receivedRequest(vector)
        request.target = request.target.replacingOccurrences(of: "hello.txt", with: "other.txt")
        assertRejected(request, by: try verifier(for: vector), .badSignature)
    }

    func testRejectsAReorderedQuery() throws {
        let vector = try vector("get_list_functions_query")
        var request = try receivedRequest(vector)
        let parts = request.target.split(separator: "?", maxSplits: 1)
        let query = parts[1].split(separator: "&")
        request.target = "\(parts[0])?\(query.reversed().joined(separator: "&"))"
        assertRejected(request, by: try verifier(for: vector), .badSignature)
    }

    func testRejectsAChangedMethod() throws {
        let vector = try vector("head_object")
        var request = try receivedRequest(vector)
        request.method = "GET"
        assertRejected(request, by: try verifier(for: vector), .badSignature)
    }

    func testClockSkewLimitIsThreeHundredSecondsEitherWay() throws {
        let vector = try vector("get_list_functions_query")
        let request = try receivedRequest(vector)
        for offset in [-300, 300] {
            XCTAssertNoThrow(try verify(request, with: try verifier(for: vector, at: vector.signedAt + offset)).get())
        }
        for offset in [-301, 301, Int.min / 2] {
            assertRejected(request, by: try verifier(for: vector, at: vector.signedAt + offset), .clockSkew)
        }
        assertRejected(request, by: try verifier(for: vector, at: Int.min), .clockSkew)
    }

    func testXDateIsTheDateCheckedWhenPresent() throws {
        let vector = try vector("x_date_instead_of_date")
        var request = try receivedRequest(vector)
        // A stale date header beside x-date does not matter: OCI reads x-date.
        request.set("date", "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertNoThrow(try verify(request, with: try verifier(for: vector)).get())
        assertRejected(request, by: try verifier(for: vector, at: vector.signedAt + 301), .clockSkew)
    }

    func testRejectsASignedDateThatIsNotAnHTTPDate() throws {
        let (request, verifier) = try signedRequest(method: "GET", url: "https://h/", headers: ["date": "2026-06-02T10:20:30Z"])
        assertRejected(request, by: verifier, .invalidDate)
    }

    func testRejectsAnUnknownKeyId() throws {
        let vector = try vector("get_list_functions_query")
        let verifier = SignatureVerifier(keys: ["someone/else/00": try vector.key().publicKey], clock: { vector.signedAt })
        assertRejected(try receivedRequest(vector), by: verifier, .unknownKey)
    }

    func testRejectsTheRightKeyIdWithAnotherKey() throws {
        let vector = try vector("get_list_functions_query")
        let other = try PublicKey(pem: Fixtures.bytes("oci_docs_test_public_key.pem"))
        let verifier = SignatureVerifier(keys: [vector.keyId: other], clock: { vector.signedAt })
        assertRejected(try receivedRequest(vector), by: verifier, .badSignature)
    }

    func testRejectsAnotherAlgorithm() throws {
        let vector = try vector("get_list_functions_query")
        var request = try receivedRequest(vector)
        let authorization = try XCTUnwrap(request.header("authorization"))
        request.set("authorization", authorization.replacingOccurrences(of: "rsa-sha256", with: "rsa-pss-sha256"))
        assertRejected(request, by: try verifier(for: vector), .unsupportedAlgorithm)
    }

    func testRejectsAnotherVersion() throws {
        let vector = try vector("get_list_functions_query")
        var request = try receivedRequest(vector)
        let authorization = try XCTUnwrap(request.header("authorization"))
        request.set("authorization", authorization.replacingOccurrences(of: "version=\"1\"", with: "version=\"2\""))
        assertRejected(request, by: try verifier(for: vector), .unsupportedVersion)
    }

    func testRejectsMissingAndMalformedAuthorization() throws {
        let vector = try vector("get_list_functions_query")
        let verifier = try verifier(for: vector)
        var request = try receivedRequest(vector)
        request.set("authorization", nil)
        assertRejected(request, by: verifier, .missingAuthorization)
        let malformed = [
            "Bearer abc", "Signature", "Signature keyId", "Signature keyId=abc,algorithm=\"rsa-sha256\"",
            "Signature keyId=\"a\",keyId=\"b\",algorithm=\"rsa-sha256\",signature=\"AAAA\"",
            "Signature algorithm=\"rsa-sha256\",signature=\"AAAA\"", "Signature keyId=\"a\",signature=\"AAAA\"",
            "Signature keyId=\"a\",algorithm=\"rsa-sha256\"",
        ]
        for value in malformed {
            request.set("authorization", value)
            assertRejected(request, by: verifier, .malformedAuthorization)
        }
    }

    func testWithoutAHeadersParameterOnlyTheDateIsSignedAndThatIsNotEnough() throws {
        let vector = try vector("get_list_functions_query")
        var request = try receivedRequest(vector)
        let authorization = try XCTUnwrap(request.header("authorization"))
        request.set("authorization", authorization.replacingOccurrences(of: "headers=\"date (request-target) host\",", with: ""))
        assertRejected(request, by: try verifier(for: vector), .requiredHeaderNotSigned)
    }

    func testFailureMessagesRevealNoSignature() throws {
        let vector = try vector("post_invoke_json_body")
        var request = try receivedRequest(vector)
        request.body[0] ^= 1
        guard case .failure(let failure) = verify(request, with: try verifier(for: vector)) else {
            return XCTFail("tampered body accepted")
        }
        XCTAssertFalse(failure.description.contains(vector.signature))
        XCTAssertTrue(failure.description.contains("x-content-sha256"))
    }
}

private extension Result where Failure == VerificationFailure {
    var failureReason: VerificationFailure.Reason? {
        if case .failure(let failure) = self { return failure.reason }
        return nil
    }
}
