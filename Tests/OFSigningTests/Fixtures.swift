import Foundation
import XCTest

@testable import OFSigning

/// The shared signing fixtures in Tests/Fixtures/vectors, found relative to this file.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/vectors", isDirectory: true)

    static let passPhrase = "oci-test-passphrase"
    static let testKeyFingerprint = "82:ce:c5:77:08:2b:aa:cc:b5:f5:99:fb:4a:13:96:0d"
    static let docsKeyFingerprint = "73:61:a2:21:67:e0:df:be:7e:4b:93:1e:15:98:a5:b7"

    static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static func key(_ name: String, passPhrase: String? = nil) throws -> PrivateKey {
        try PrivateKey(contentsOfFile: path(name), passPhrase: passPhrase)
    }

    static func signerVectors() throws -> [SigningVector] {
        try JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: directory.appendingPathComponent("signer_vectors.json"))).vectors
    }

    static func docsVectors() throws -> [SigningVector] {
        try JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: directory.appendingPathComponent("docs_vectors.json"))).vectors
    }

    /// Every vector of both files.
    static func allVectors() throws -> [SigningVector] {
        try signerVectors() + docsVectors()
    }
}

struct VectorFile: Decodable {
    let vectors: [SigningVector]
}

/// One signing vector; signer_vectors.json and docs_vectors.json name a few fields differently.
struct SigningVector: Decodable {
    let name: String
    let method: String
    let url: String
    let headersIn: [String: String]
    let bodyBase64: String?
    let keyFile: String
    let passPhrase: String?
    let keyId: String
    let signedHeaders: [String]
    let signingString: String
    let signature: String
    /// In the oci Python SDK's parameter order, when the vector has one.
    let pythonOrderAuthorization: String?
    /// Authorization headers in other parameter orders (Oracle's documentation, third parties).
    let otherOrderAuthorizations: [String]
    /// What the oci Python SDK sent, when the vector was made with it.
    let headersAfterSigning: [String: String]?

    enum CodingKeys: String, CodingKey {
        case name, method, url, signature
        case headersIn = "headers_in"
        case bodyBase64 = "body_b64"
        case keyFile = "key_file"
        case passPhrase = "pass_phrase"
        case keyId = "key_id"
        case signedHeaders = "signed_headers"
        case signingString = "signing_string"
        case expectedAuthorization = "expected_authorization"
        case pythonSDKAuthorization = "expected_authorization_oci_python_sdk"
        case oraclePublishedAuthorization = "expected_authorization_oracle_published"
        case thirdPartyAuthorization = "expected_authorization_third_party"
        case headersAfterSigning = "headers_after_signing"
        case headersAfterSDKSigning = "headers_after_sdk_signing"
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        method = try c.decode(String.self, forKey: .method)
        url = try c.decode(String.self, forKey: .url)
        headersIn = try c.decode([String: String].self, forKey: .headersIn)
        bodyBase64 = try c.decodeIfPresent(String.self, forKey: .bodyBase64)
        keyFile = try c.decode(String.self, forKey: .keyFile)
        passPhrase = try c.decodeIfPresent(String.self, forKey: .passPhrase)
        keyId = try c.decode(String.self, forKey: .keyId)
        signedHeaders = try c.decode([String].self, forKey: .signedHeaders)
        signingString = try c.decode(String.self, forKey: .signingString)
        signature = try c.decode(String.self, forKey: .signature)
        let authorizations = try [CodingKeys.expectedAuthorization, .pythonSDKAuthorization, .oraclePublishedAuthorization,
                                  .thirdPartyAuthorization].compactMap { try c.decodeIfPresent(String.self, forKey: $0) }
        pythonOrderAuthorization = authorizations.first { $0.hasPrefix("Signature algorithm=") }
        otherOrderAuthorizations = authorizations.filter { !$0.hasPrefix("Signature algorithm=") }
        headersAfterSigning = try c.decodeIfPresent([String: String].self, forKey: .headersAfterSigning)
            ?? c.decodeIfPresent([String: String].self, forKey: .headersAfterSDKSigning)
    }

    var body: [UInt8]? {
        bodyBase64.map { Array(Data(base64Encoded: $0) ?? Data()) }
    }

    /// The vector's date as epoch seconds: the clock at which it was signed.
    var signedAt: Int {
        let date = headersIn["x-date"] ?? headersIn["date"] ?? ""
        return HTTPDate.parse(date) ?? 0
    }

    /// The signed header values, read back from the vector's signing string (independent of the signer).
    var signedHeaderValues: [(String, String)] {
        signingString.split(separator: "\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = String(line[..<colon])
            guard name != "(request-target)" else { return nil }
            return (name, String(line[colon...].dropFirst(2)))
        }
    }

    func key() throws -> PrivateKey {
        try Fixtures.key(keyFile, passPhrase: passPhrase)
    }
}

/// Runs `body`, expecting it to throw a `SigningError`, and returns that error.
func signingError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> SigningError? {
    do {
        try body()
        XCTFail("expected a SigningError", file: file, line: line)
    } catch let error as SigningError {
        return error
    } catch {
        XCTFail("expected a SigningError, got \(error)", file: file, line: line)
    }
    return nil
}

/// Collects failures reported from many threads at once.
final class ConcurrentFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var failures = [String]()

    func add(_ failure: String) {
        lock.withLock { failures.append(failure) }
    }

    var all: [String] { lock.withLock { failures } }
}
