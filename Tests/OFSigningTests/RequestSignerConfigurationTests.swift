import Foundation
import OFConfig
import XCTest

@testable import OFSigning

final class RequestSignerConfigurationTests: XCTestCase {
    private static let tenancy = "ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq"
    private static let user = "ocid1.user.oc1..aaaaaaaat5nvwcna5j6aqzjcaty5eqbb6qt2jvpkanghtgdaqedqw3rynjq"
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ofsigning-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        for name in ["test2048_private_pkcs8.pem", "test2048_private_pkcs1_encrypted_aes128.pem", "test2048_public.pem"] {
            try FileManager.default.copyItem(at: Fixtures.directory.appendingPathComponent(name), to: scratch.appendingPathComponent(name))
        }
        try Data().write(to: scratch.appendingPathComponent("empty.pem"))
        try Data("garbage\n".utf8).write(to: scratch.appendingPathComponent("garbage.pem"))
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: scratch)
    }

    private func configuration(keyFile: String, passPhrase: String? = nil,
                               fingerprint: String = Fixtures.testKeyFingerprint) throws -> Configuration {
        let passPhraseLine = passPhrase.map { "\n    pass_phrase: \($0)" } ?? ""
        return try Configuration.parse(yaml: """
            oracle:
                user: \(Self.user)
                region: us-ashburn-1
                fingerprint: \(fingerprint)
                tenancy: \(Self.tenancy)
                key_file: \(keyFile)
                compartment_id: ocid1.compartment.oc1..aaaaaaaatestcompartment\(passPhraseLine)
            oracle_f:
                subnet_id: ocid1.subnet.oc1.iad.aaaaaaaatestsubnet
            """, baseDirectory: scratch.path)
    }

    private func signerError(_ configuration: Configuration, file: StaticString = #filePath, line: UInt = #line) -> ConfigError? {
        do {
            _ = try RequestSigner(configuration: configuration)
            XCTFail("expected a ConfigError", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testSignsWithTheConfiguredKeyAsTheVectorsDo() throws {
        let vector = try XCTUnwrap(Fixtures.signerVectors().first { $0.name == "get_list_functions_query" })
        for (keyFile, passPhrase) in [("test2048_private_pkcs8.pem", nil), ("test2048_private_pkcs1_encrypted_aes128.pem", Fixtures.passPhrase)] {
            let signer = try RequestSigner(configuration: configuration(keyFile: keyFile, passPhrase: passPhrase), clock: { vector.signedAt })
            XCTAssertEqual(signer.keyId, vector.keyId)
            let headers = try signer.sign(method: vector.method, url: vector.url, headers: [:], body: nil, signBody: nil)
            XCTAssertEqual(headers["authorization"], vector.pythonOrderAuthorization, keyFile)
        }
    }

    func testKeyProblemsNameTheSettingToFix() throws {
        let cases: [(name: String, config: Configuration, key: String, says: String)] = [
            ("encrypted without pass_phrase", try configuration(keyFile: "test2048_private_pkcs1_encrypted_aes128.pem"),
             "pass_phrase", "is encrypted and no pass phrase was given"),
            ("wrong pass_phrase", try configuration(keyFile: "test2048_private_pkcs1_encrypted_aes128.pem", passPhrase: "not-the-phrase"),
             "pass_phrase", "could not be decrypted with the given pass phrase"),
            ("public key", try configuration(keyFile: "test2048_public.pem"), "key_file", "holds a public key"),
            ("garbage", try configuration(keyFile: "garbage.pem"), "key_file", "is not a PEM private key"),
            ("empty", try configuration(keyFile: "empty.pem"), "key_file", "is empty"),
            ("fingerprint mismatch", try configuration(keyFile: "test2048_private_pkcs8.pem", fingerprint: Fixtures.docsKeyFingerprint),
             "fingerprint", "has fingerprint \(Fixtures.testKeyFingerprint): set fingerprint to \(Fixtures.testKeyFingerprint)"),
        ]
        var messages = Set<String>()
        for testCase in cases {
            guard let error = signerError(testCase.config) else { continue }
            XCTAssertEqual(error.section, "oracle", testCase.name)
            XCTAssertEqual(error.key, testCase.key, testCase.name)
            XCTAssertTrue(error.description.hasPrefix("\"\(testCase.key)\" in the \"oracle\" section"), error.description)
            XCTAssertTrue(error.description.contains(testCase.says), "\(testCase.name): \(error.description)")
            XCTAssertFalse(error.description.contains("not-the-phrase"), "no pass phrase in messages")
            messages.insert(error.description)
        }
        XCTAssertEqual(messages.count, cases.count)
    }

    func testCredentialsOfAServiceSectionAreNamedInErrors() throws {
        let credentials = try configuration(keyFile: "test2048_private_pkcs8.pem", fingerprint: Fixtures.docsKeyFingerprint).functions.credentials.apiKey
        guard let credentials else { return XCTFail("an API key configuration has an API key") }
        do {
            _ = try RequestSigner(credentials: credentials, section: "oracle_f")
            XCTFail("fingerprint mismatch accepted")
        } catch {
            XCTAssertEqual(error.section, "oracle_f")
            XCTAssertEqual(error.key, "fingerprint")
        }
    }
}
