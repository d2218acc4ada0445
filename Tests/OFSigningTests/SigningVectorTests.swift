import Foundation
import XCTest

@testable import OFSigning

/// Byte-exact signing against every vector in Tests/Fixtures/vectors.
final class SigningVectorTests: XCTestCase {
    private func signer(for vector: SigningVector) throws -> RequestSigner {
        let signedAt = vector.signedAt
        return RequestSigner(keyId: vector.keyId, key: try vector.key(), clock: { signedAt })
    }

    /// nil (OCI's rule) unless the vector deliberately departs from it.
    private func signBody(for vector: SigningVector) -> Bool? {
        let expected = vector.signedHeaders.contains("x-content-sha256")
        let target = try? RequestURL(vector.url).target
        return RequestSigner.signsBody(method: vector.method, path: target ?? "") == expected ? nil : expected
    }

    func testVectorFilesAreComplete() throws {
        XCTAssertEqual(try Fixtures.signerVectors().count, 16)
        XCTAssertEqual(try Fixtures.docsVectors().count, 3)
    }

    func testSigningStringMatchesEveryVector() throws {
        for vector in try Fixtures.allVectors() {
            let input = try signer(for: vector).signingInput(
                method: vector.method, url: vector.url, headers: vector.headersIn, body: vector.body,
                signBody: signBody(for: vector))
            XCTAssertEqual(input.signedHeaders, vector.signedHeaders, vector.name)
            XCTAssertEqual(input.signingString, vector.signingString, vector.name)
        }
    }

    func testSignatureMatchesEveryVector() throws {
        for vector in try Fixtures.allVectors() {
            let signature = try vector.key().sign(Array(vector.signingString.utf8))
            XCTAssertEqual(Base64.encode(signature), vector.signature, vector.name)
        }
    }

    func testAuthorizationMatchesEveryVector() throws {
        var byteExact = 0
        for vector in try Fixtures.allVectors() {
            let headers = try signer(for: vector).sign(
                method: vector.method, url: vector.url, headers: vector.headersIn, body: vector.body,
                signBody: signBody(for: vector))
            let authorization = try XCTUnwrap(headers["authorization"], vector.name)
            if let expected = vector.pythonOrderAuthorization {
                XCTAssertEqual(authorization, expected, vector.name)
                byteExact += 1
            }
            // Other parameter orders carry the same parameters.
            for other in vector.otherOrderAuthorizations {
                XCTAssertEqual(try AuthorizationHeader.parse(other).get(), try AuthorizationHeader.parse(authorization).get(),
                               vector.name)
            }
        }
        // Only the openssl-made x-date vector has no Python-order header.
        XCTAssertEqual(byteExact, 18)
    }

    func testOnlyTheBodySignedPutObjectVectorOverridesTheRule() throws {
        let overridden = try Fixtures.allVectors().filter { signBody(for: $0) != nil }.map(\.name)
        XCTAssertEqual(overridden, ["put_object_binary_with_body_headers_signed"])
    }

    func testHeadersMatchWhatTheSDKSent() throws {
        for vector in try Fixtures.allVectors() {
            guard let sdkHeaders = vector.headersAfterSigning else { continue }
            let headers = try signer(for: vector).sign(
                method: vector.method, url: vector.url, headers: vector.headersIn, body: vector.body,
                signBody: signBody(for: vector))
            for (name, value) in headers {
                XCTAssertEqual(sdkHeaders[name], value, "\(vector.name): \(name)")
            }
            // The SDK also sends content-type on every request and requests adds content-length, unsigned;
            // the transport sets those.
            let onlySDK = Set(sdkHeaders.keys).subtracting(headers.keys)
            XCTAssertTrue(onlySDK.isSubset(of: ["content-type", "content-length"]), "\(vector.name): \(onlySDK)")
            for name in onlySDK {
                XCTAssertFalse(vector.signedHeaders.contains(name), vector.name)
            }
        }
    }

    func testDocsPostBodyFileIsTheVectorBody() throws {
        let vector = try XCTUnwrap(Fixtures.docsVectors().first { $0.name == "docs_post" })
        let body = try Fixtures.bytes("oci_docs_post_body.json")
        XCTAssertEqual(body.count, 316)
        XCTAssertEqual(vector.body, body)
        XCTAssertEqual(Base64.encode(try XCTUnwrap(Digest.sha256(body))), "V9Z20UJTvkvpJ50flBzKE32+6m2zJjweHpDMX/U4Uy0=")
    }

    /// The text file lays the docs values out as Oracle's page does; its signing strings and Authorization
    /// headers must agree with what the signer produces.
    func testDocsTextFileAgreesWithTheSigner() throws {
        let text = try Fixtures.text("oci_docs_test_vectors.txt")
        let docs = try Fixtures.docsVectors()
        let authorizations = text.split(separator: "\n").filter { $0.hasPrefix("Signature ") }
        XCTAssertEqual(authorizations.count, 4)
        for line in authorizations {
            let parsed = try AuthorizationHeader.parse(String(line)).get()
            let vector = try XCTUnwrap(docs.first { $0.signature == parsed.signature })
            let headers = try signer(for: vector).sign(
                method: vector.method, url: vector.url, headers: vector.headersIn, body: vector.body, signBody: nil)
            XCTAssertEqual(try AuthorizationHeader.parse(try XCTUnwrap(headers["authorization"])).get(), parsed)
            if line.hasPrefix("Signature algorithm=") {
                XCTAssertEqual(headers["authorization"], String(line))
            }
            XCTAssertTrue(text.contains(vector.signingString), vector.name)
        }
    }
}
