import Foundation
import XCTest

@testable import OFSigning

final class PrivateKeyTests: XCTestCase {
    private static let keyForms: [(file: String, passPhrase: String?)] = [
        ("test2048_private_pkcs8.pem", nil),
        ("test2048_private_pkcs1.pem", nil),
        ("test2048_private_pkcs1_encrypted_aes128.pem", Fixtures.passPhrase),
        ("test2048_private_pkcs8_encrypted.pem", Fixtures.passPhrase),
    ]

    /// An EC P-256 key (openssl ecparam -genkey -name prime256v1 | openssl pkcs8 -topk8 -nocrypt): a valid
    /// PEM private key that OCI cannot use.
    private static let ecKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgL3rjMnkXlZPr4QbN
        ZAyLjnIhgU/QNjEJXGL+apaylhKhRANCAASweMAI5BHxMidoq4LSVm8mf0z/H4w0
        OiMR0ZUa2REDwzmyS6/+mnPxD6z0D8TqeWCr1h578m2nDunsNflGWPUc
        -----END PRIVATE KEY-----
        """

    func testAllFourKeyFormsLoadToTheSameKey() throws {
        let data = Array("date: Tue, 02 Jun 2026 10:20:30 GMT".utf8)
        var signatures = Set<[UInt8]>()
        for form in Self.keyForms {
            let key = try Fixtures.key(form.file, passPhrase: form.passPhrase)
            XCTAssertEqual(key.fingerprint, Fixtures.testKeyFingerprint, form.file)
            signatures.insert(try key.sign(data))
        }
        XCTAssertEqual(signatures.count, 1, "PKCS#1 v1.5 is deterministic, so all forms sign alike")
    }

    func testDocsKeyFingerprint() throws {
        XCTAssertEqual(try Fixtures.key("oci_docs_test_private_key.pem").fingerprint, Fixtures.docsKeyFingerprint)
    }

    func testPublicKeyMatchesTheFixture() throws {
        let key = try Fixtures.key("test2048_private_pkcs8.pem")
        let fixture = try PublicKey(pem: Fixtures.bytes("test2048_public.pem"))
        XCTAssertEqual(fixture.fingerprint, Fixtures.testKeyFingerprint)
        XCTAssertEqual(key.publicKey.fingerprint, Fixtures.testKeyFingerprint)
        XCTAssertEqual(key.publicKey.pem, try Fixtures.text("test2048_public.pem"))
        XCTAssertEqual(try PublicKey(pem: Fixtures.bytes("oci_docs_test_public_key.pem")).fingerprint, Fixtures.docsKeyFingerprint)
    }

    func testSignatureVerifiesWithThePublicKeyOnly() throws {
        let key = try Fixtures.key("test2048_private_pkcs1.pem")
        let publicKey = try PublicKey(pem: Fixtures.bytes("test2048_public.pem"))
        let data = Array("some bytes".utf8)
        let signature = try key.sign(data)
        XCTAssertEqual(signature.count, 256)
        XCTAssertTrue(publicKey.verify(signature: signature, data: data))
        XCTAssertFalse(publicKey.verify(signature: signature, data: Array("other bytes".utf8)))
        XCTAssertFalse(try PublicKey(pem: Fixtures.bytes("oci_docs_test_public_key.pem")).verify(signature: signature, data: data))
        XCTAssertFalse(publicKey.verify(signature: [], data: data))
        XCTAssertTrue(publicKey.verify(signature: try key.sign([]), data: []))
    }

    func testPassPhraseForAnUnencryptedKeyIsIgnored() throws {
        XCTAssertEqual(try Fixtures.key("test2048_private_pkcs8.pem", passPhrase: "unused").fingerprint, Fixtures.testKeyFingerprint)
    }

    func testGeneratedKeyRoundTrip() throws {
        let key = try PrivateKey.generate()
        let pem = try key.pkcs8PEM()
        XCTAssertTrue(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let reloaded = try PrivateKey(pem: Array(pem.utf8), passPhrase: nil)
        XCTAssertEqual(reloaded.fingerprint, key.fingerprint)
        XCTAssertNotEqual(key.fingerprint, Fixtures.testKeyFingerprint)
        let data = Array("round trip".utf8)
        XCTAssertEqual(try reloaded.sign(data), try key.sign(data))
        let publicKey = try PublicKey(pem: Array(key.publicKey.pem.utf8))
        XCTAssertEqual(publicKey.fingerprint, key.fingerprint)
        XCTAssertTrue(publicKey.verify(signature: try key.sign(data), data: data))
    }

    func testGenerateRefusesSizesOCIDoesNotAccept() {
        for bits in [0, 1024, 16385, Int.max] {
            let error = signingError { _ = try PrivateKey.generate(bits: bits) }
            XCTAssertEqual(error?.isKeyError, false)
            XCTAssertTrue(error?.description.contains("2048 to 16384 bits") ?? false)
        }
    }

    func testKeyLoadingErrorsAreDistinctAndSayWhatToFix() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ofsigning-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appendingPathComponent("empty.pem")
        let garbage = directory.appendingPathComponent("garbage.pem")
        let ecKey = directory.appendingPathComponent("ec.pem")
        try Data().write(to: empty)
        try Data("this is not a key\n".utf8).write(to: garbage)
        try Data(Self.ecKeyPEM.utf8).write(to: ecKey)

        let cases: [(name: String, problem: SigningError.KeyProblem, fix: String, load: () throws -> Void)] = [
            ("wrong pass phrase, PKCS#1", .passPhraseWrong, "check pass_phrase",
             { _ = try Fixtures.key("test2048_private_pkcs1_encrypted_aes128.pem", passPhrase: "wrong-passphrase") }),
            ("missing pass phrase, PKCS#8", .passPhraseMissing, "set pass_phrase",
             { _ = try Fixtures.key("test2048_private_pkcs8_encrypted.pem") }),
            ("public key", .publicKeyGiven, "use the private key file",
             { _ = try Fixtures.key("test2048_public.pem") }),
            ("garbage", .notPrivateKeyPEM, "expected a -----BEGIN PRIVATE KEY-----",
             { _ = try PrivateKey(contentsOfFile: garbage.path, passPhrase: nil) }),
            ("empty file", .empty, "is empty",
             { _ = try PrivateKey(contentsOfFile: empty.path, passPhrase: nil) }),
            ("missing file", .unreadable, "does not exist",
             { _ = try PrivateKey(contentsOfFile: directory.appendingPathComponent("absent.pem").path, passPhrase: nil) }),
            ("directory", .unreadable, "is a directory",
             { _ = try PrivateKey(contentsOfFile: directory.path, passPhrase: nil) }),
            ("EC key", .unsupportedKeyType, "not an RSA key",
             { _ = try PrivateKey(contentsOfFile: ecKey.path, passPhrase: nil) }),
        ]
        var messages = Set<String>()
        for testCase in cases {
            guard let error = signingError(testCase.load) else { continue }
            XCTAssertEqual(error.keyProblem, testCase.problem, testCase.name)
            XCTAssertTrue(error.isKeyError, testCase.name)
            XCTAssertTrue(error.description.contains(testCase.fix), "\(testCase.name): \(error.description)")
            XCTAssertFalse(error.description.contains("wrong-passphrase"), "no pass phrase in messages")
            XCTAssertFalse(error.description.contains(Fixtures.passPhrase), "no pass phrase in messages")
            messages.insert(error.description)
        }
        XCTAssertEqual(messages.count, cases.count)
    }

    func testWrongPassPhraseForEncryptedPKCS8() {
        let error = signingError { _ = try Fixtures.key("test2048_private_pkcs8_encrypted.pem", passPhrase: "nope") }
        XCTAssertEqual(error?.keyProblem, .passPhraseWrong)
    }

    func testMissingPassPhraseForEncryptedPKCS1AndEmptyPassPhraseCountsAsMissing() {
        for passPhrase in [nil, ""] as [String?] {
            let error = signingError { _ = try Fixtures.key("test2048_private_pkcs1_encrypted_aes128.pem", passPhrase: passPhrase) }
            XCTAssertEqual(error?.keyProblem, .passPhraseMissing)
        }
    }

    func testPEMBytesWithoutAFileNameTheKeyGenerically() {
        let error = signingError { _ = try PrivateKey(pem: Array("-----BEGIN CERTIFICATE-----\n".utf8), passPhrase: nil) }
        XCTAssertEqual(error?.keyProblem, .notPrivateKeyPEM)
        XCTAssertTrue(error?.description.hasPrefix("The private key is not a PEM private key") ?? false)
    }

    func testPublicKeyRefusesWhatIsNotAPublicKey() throws {
        for pem in [try Fixtures.bytes("test2048_private_pkcs8.pem"), Array("garbage".utf8), []] {
            let error = signingError { _ = try PublicKey(pem: pem) }
            XCTAssertEqual(error?.keyProblem, .notPublicKeyPEM)
        }
    }

    func testOneKeySignsFromEightThreadsAtOnce() throws {
        let key = try Fixtures.key("test2048_private_pkcs8.pem")
        let vectors = try Fixtures.signerVectors().filter { $0.keyFile == "test2048_private_pkcs8.pem" }
        let mismatches = ConcurrentFailures()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for round in 0..<20 {
                let vector = vectors[(thread + round) % vectors.count]
                let signature = try? key.sign(Array(vector.signingString.utf8))
                if signature.map(Base64.encode) != vector.signature { mismatches.add(vector.name) }
            }
        }
        XCTAssertEqual(mismatches.all, [])
    }
}
