import Foundation
import XCTest

@testable import OFSigning

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Int

    init(_ seconds: Int) { self.seconds = seconds }

    var now: Int { lock.withLock { seconds } }
    func advance(_ by: Int) { lock.withLock { seconds += by } }
    var function: @Sendable () -> Int { { self.now } }
}

/// A scratch folder removed by `remove()`.
struct ScratchDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ofsigning-credentials-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes through a new file renamed into place, as `oci session refresh` and the Functions platform do.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: url.appendingPathComponent(name), options: .atomic)
        return path(name)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

enum TestJWT {
    /// An RS256 JWT signed with `key`, claims as given.
    static func make(_ claims: [String: Any], key: PrivateKey) throws -> String {
        let header = base64URL(try JSONSerialization.data(withJSONObject: ["alg": "RS256", "typ": "JWT", "kid": "test"], options: [.sortedKeys]))
        let payload = base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let signature = try key.sign(Array("\(header).\(payload)".utf8))
        return "\(header).\(payload).\(base64URL(Data(signature)))"
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// The `openssl` command, for test material made independently of the code under test.
enum OpenSSLCommand {
    @discardableResult
    static func run(_ arguments: [String], in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "openssl", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.joined(separator: " ")) failed"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// An instance identity as the metadata service serves it: a leaf certificate whose subject names the
/// tenancy, its key, and the intermediate CA that signed it, all made with the openssl command.
struct InstanceIdentity: Sendable {
    static let tenancy = "ocid1.tenancy.oc1..aaaaaaaatestinstancetenancy"
    let leafPEM: String
    let leafKeyPEM: String
    let intermediatePEM: String
    /// `openssl x509 -fingerprint -sha256`, lowercased: `ab:cd:...`.
    let leafSHA256Fingerprint: String
    /// The leaf's public key, as `openssl x509 -pubkey` prints it.
    let leafPublicKey: PublicKey
    /// The PEM bodies without armour or line breaks, as the oci SDK sends them.
    let leafBase64: String
    let intermediateBase64: String

    init(in scratch: ScratchDirectory, subject: String? = nil) throws {
        let dir = scratch.url
        try OpenSSLCommand.run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                                "-days", "2", "-subj", "/CN=PKISVC Identity Intermediate test"], in: dir)
        let leafSubject = subject
            ?? "/CN=ocid1.instance.oc1.iad.testinstance/OU=opc-certtype:instance/OU=opc-compartment:ocid1.compartment.oc1..testcompartment/OU=opc-instance:ocid1.instance.oc1.iad.testinstance/OU=opc-tenant:\(Self.tenancy)"
        try OpenSSLCommand.run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
                                "-subj", leafSubject], in: dir)
        try OpenSSLCommand.run(["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                                "-out", "leaf.pem", "-days", "2"], in: dir)
        leafPEM = try String(contentsOfFile: scratch.path("leaf.pem"), encoding: .utf8)
        leafKeyPEM = try String(contentsOfFile: scratch.path("leaf.key"), encoding: .utf8)
        intermediatePEM = try String(contentsOfFile: scratch.path("ca.pem"), encoding: .utf8)
        let fingerprint = try OpenSSLCommand.run(["x509", "-in", "leaf.pem", "-noout", "-fingerprint", "-sha256"], in: dir)
        leafSHA256Fingerprint = String(fingerprint.split(separator: "=").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        leafPublicKey = try PublicKey(pem: Array(OpenSSLCommand.run(["x509", "-in", "leaf.pem", "-noout", "-pubkey"], in: dir).utf8))
        leafBase64 = Self.body(leafPEM)
        intermediateBase64 = Self.body(intermediatePEM)
    }

    static func body(_ pem: String) -> String {
        pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    }
}

/// Wraps base64 DER in PEM armour, 64 characters a line.
func pem(_ label: String, base64: String) -> String {
    var lines = [String]()
    var rest = Substring(base64)
    while !rest.isEmpty {
        lines.append(String(rest.prefix(64)))
        rest = rest.dropFirst(64)
    }
    return "-----BEGIN \(label)-----\n" + lines.joined(separator: "\n") + "\n-----END \(label)-----\n"
}

/// Asserts that `body` throws a CredentialError and returns it.
func credentialError<T>(_ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> CredentialError? {
    do {
        _ = try body()
        XCTFail("expected a CredentialError", file: file, line: line)
    } catch let error as CredentialError {
        return error
    } catch {
        XCTFail("expected a CredentialError, got \(error)", file: file, line: line)
    }
    return nil
}
