import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OFEmulator
import OFSigning
import XCTest

/// Test fixtures shared by the emulator's HTTP tests.
enum EmulatorFixtures {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let tenancy = "ocid1.tenancy.oc1..aaaaaaaatesttenancy"
    static let user = "ocid1.user.oc1..aaaaaaaatestuser"
    static let compartment = "ocid1.compartment.oc1..aaaaaaaatestcompartment"

    /// The frozen 2048-bit test key in Tests/Fixtures/keys.
    static func testKey() throws -> PrivateKey {
        try PrivateKey(contentsOfFile: fixtures.appendingPathComponent("keys/test2048_private_pkcs8.pem").path, passPhrase: nil)
    }

    static func keyId(for key: PrivateKey) -> String {
        "\(tenancy)/\(user)/\(key.fingerprint)"
    }

    /// An emulator trusting the test key, started on a free loopback port.
    static func startEmulator(configure: (inout EmulatorOptions) -> Void = { _ in }) async throws -> (Emulator, SignedClient) {
        let key = try testKey()
        var options = EmulatorOptions(trustedKeys: [keyId(for: key): key.publicKey])
        configure(&options)
        let emulator = Emulator(options: options)
        let port = try await emulator.start()
        return (emulator, SignedClient(port: port, signer: RequestSigner(keyId: keyId(for: key), key: key)))
    }
}

/// Sends requests signed as the oci SDKs sign them, over real TCP, and gives back the raw answer.
struct SignedClient: Sendable {
    let port: Int
    let signer: RequestSigner

    struct Answer {
        let status: Int
        let headers: HTTPFields
        let body: [UInt8]

        var text: String { String(decoding: self.body, as: UTF8.self) }

        func header(_ name: String) -> String? {
            HTTPField.Name(name).flatMap { self.headers[$0] }
        }

        func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(self.body), options: [.fragmentsAllowed])
        }

        /// The `code` of an OCI error body.
        var errorCode: String? {
            ((try? self.json()) as? [String: Any])?["code"] as? String
        }
    }

    /// Signs with `signer` (or another) and sends; `tamper` may change the signed headers before sending.
    func send(
        _ method: HTTPRequest.Method, _ target: String, body: [UInt8]? = nil, headers: [String: String] = [:],
        signer: RequestSigner? = nil, signBody: Bool? = nil, sendTo: String? = nil,
        tamper: (inout [String: String]) -> Void = { _ in }
    ) async throws -> Answer {
        var signed = try (signer ?? self.signer).sign(method: method.rawValue, url: "http://127.0.0.1:\(self.port)\(target)", headers: headers, body: body, signBody: signBody)
        tamper(&signed)
        return try await self.sendRaw(method, sendTo ?? target, headers: signed, body: body)
    }

    /// Sends exactly these headers (the `host` header becomes the request's authority).
    func sendRaw(_ method: HTTPRequest.Method, _ target: String, headers: [String: String], body: [UInt8]?) async throws -> Answer {
        var fields = HTTPFields()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) where name != "host" {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        let request = TestClient.Request(target, method: method, authority: headers["host"] ?? "127.0.0.1:\(self.port)", headers: fields, body: body.map { ByteBuffer(bytes: $0) })
        let response = try await TestClient.withClient(host: "127.0.0.1", port: self.port) { client in
            try await client.execute(request)
        }
        return Answer(status: Int(response.status.code), headers: response.headers, body: response.body.map { Array($0.readableBytesView) } ?? [])
    }

    func json(_ method: HTTPRequest.Method, _ target: String, _ object: Any) async throws -> Answer {
        try await self.send(method, target, body: Array(JSONSerialization.data(withJSONObject: object)))
    }
}
