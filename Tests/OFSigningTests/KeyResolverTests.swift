import Foundation
import XCTest

@testable import OFSigning

/// RSA public keys from a JWK's modulus and exponent, and a verifier whose keys come from a resolver.
final class KeyResolverTests: XCTestCase {
    func testPublicKeyFromModulusAndExponentIsTheSameKey() throws {
        let key = try Fixtures.key("test2048_private_pkcs8.pem")
        let components = try XCTUnwrap(key.publicKey.rsaComponents)
        XCTAssertEqual(components.exponent, [0x01, 0x00, 0x01])
        XCTAssertEqual(components.modulus.count, 256)
        let rebuilt = try PublicKey(modulus: [0, 0] + components.modulus, exponent: components.exponent)
        XCTAssertEqual(rebuilt.pem, key.publicKey.pem)
        XCTAssertEqual(rebuilt.fingerprint, key.fingerprint)
        XCTAssertEqual(rebuilt.subjectPublicKeyInfoDER, key.publicKey.subjectPublicKeyInfoDER)
        let data = Array("signed".utf8)
        XCTAssertTrue(rebuilt.verify(signature: try key.sign(data), data: data))
        XCTAssertEqual(try PublicKey(subjectPublicKeyInfoDER: rebuilt.subjectPublicKeyInfoDER).pem, key.publicKey.pem)
    }

    func testPublicKeyFromComponentsRefusesSmallModuliAndHugeExponents() throws {
        let components = try XCTUnwrap(try Fixtures.key("test2048_private_pkcs8.pem").publicKey.rsaComponents)
        XCTAssertEqual(signingError { _ = try PublicKey(modulus: Array(components.modulus.prefix(128)), exponent: components.exponent) }?.keyProblem, .unsupportedKeyType)
        XCTAssertEqual(signingError { _ = try PublicKey(modulus: components.modulus, exponent: [UInt8](repeating: 1, count: 9)) }?.keyProblem, .unsupportedKeyType)
        XCTAssertEqual(signingError { _ = try PublicKey(modulus: [], exponent: components.exponent) }?.keyProblem, .unsupportedKeyType)
    }

    private func signed(keyId: String, key: PrivateKey, method: String = "GET", url: String = "https://objectstorage.us-ashburn-1.oraclecloud.com/n/") throws -> (String, String, [(String, String)]) {
        let headers = try RequestSigner(keyId: keyId, key: key, clock: { 1_780_395_630 }).sign(method: method, url: url, headers: [:], body: nil, signBody: nil)
        return (method, try RequestURL(url).target, headers.map { ($0.key, $0.value) })
    }

    func testResolverDecidesTheKeyAndItsFailureIsReturned() throws {
        let key = try Fixtures.key("test2048_private_pkcs8.pem")
        let verifier = SignatureVerifier(clock: { 1_780_395_630 }) { keyId in
            keyId == "ST$good" ? .success(key.publicKey) : .failure(VerificationFailure(.expiredToken, "expired, refresh it"))
        }
        let (method, target, good) = try self.signed(keyId: "ST$good", key: key)
        XCTAssertEqual(try verifier.verify(method: method, target: target, headers: good, body: []).get(), "ST$good")
        let (_, _, expired) = try self.signed(keyId: "ST$old", key: key)
        guard case .failure(let failure) = verifier.verify(method: method, target: target, headers: expired, body: []) else {
            return XCTFail("a keyId the resolver refuses is refused")
        }
        XCTAssertEqual(failure.reason, .expiredToken)
        XCTAssertEqual(failure.description, "expired, refresh it")
        let (_, _, otherKey) = try self.signed(keyId: "ST$good", key: try PrivateKey.generate())
        guard case .failure(let wrong) = verifier.verify(method: method, target: target, headers: otherKey, body: []) else {
            return XCTFail("a signature by another key is refused")
        }
        XCTAssertEqual(wrong.reason, .badSignature)
        XCTAssertFalse(wrong.description.contains("good"), "a session token is never repeated: \(wrong.description)")
    }

    func testUnknownSessionTokenIsNotRepeatedInTheMessage() throws {
        let key = try Fixtures.key("test2048_private_pkcs8.pem")
        let verifier = SignatureVerifier(keys: [:], clock: { 1_780_395_630 })
        let (method, target, headers) = try self.signed(keyId: "ST$secret-token-value", key: key)
        guard case .failure(let failure) = verifier.verify(method: method, target: target, headers: headers, body: []) else {
            return XCTFail("an unknown keyId is refused")
        }
        XCTAssertEqual(failure.reason, .unknownKey)
        XCTAssertFalse(failure.description.contains("secret-token-value"), failure.description)
    }

    func testHostMayBeLeftUnsignedOnlyWhenAllowed() throws {
        let key = try Fixtures.key("test2048_private_pkcs8.pem")
        let verifier = SignatureVerifier(keys: ["t/fed-x509/AA": key.publicKey], clock: { 1_780_395_630 })
        let date = HTTPDate.format(1_780_395_630)
        let signature = Base64.encode(try key.sign(Array("date: \(date)\n(request-target): get /v1/x509".utf8)))
        let headers = [("date", date), ("authorization", #"Signature algorithm="rsa-sha256",headers="date (request-target)",keyId="t/fed-x509/AA",signature="\#(signature)",version="1""#)]
        XCTAssertEqual(try verifier.verify(method: "GET", target: "/v1/x509", headers: headers, body: [], requireHost: false).get(), "t/fed-x509/AA")
        guard case .failure(let failure) = verifier.verify(method: "GET", target: "/v1/x509", headers: headers, body: []) else {
            return XCTFail("host is required by default")
        }
        XCTAssertEqual(failure.reason, .requiredHeaderNotSigned)
    }
}
