import Foundation
import OFConfig
import OFServices
import OFTransport
import XCTest

final class ServiceSettingsTests: XCTestCase {
    func testEndpointsDefaultToTheRegion() throws {
        let configuration = try Configuration.load(path: Fixtures.validConfig)
        let endpoints = Endpoints(configuration: configuration)
        XCTAssertEqual(endpoints.functions, "https://functions.eu-madrid-1.oci.oraclecloud.com")
        XCTAssertEqual(endpoints.objectStorage, "https://objectstorage.eu-madrid-1.oraclecloud.com")
        XCTAssertEqual(endpoints.identity, "https://identity.eu-madrid-1.oci.oraclecloud.com")
        XCTAssertEqual(endpoints.logging, "https://logging.eu-madrid-1.oci.oraclecloud.com")
    }

    func testEndpointKeysWin() throws {
        let configuration = try Fixtures.configuration(endpoint: "http://127.0.0.1:8080/")
        let endpoints = Endpoints(configuration: configuration)
        XCTAssertEqual(endpoints.functions, "http://127.0.0.1:8080")
        XCTAssertEqual(endpoints.objectStorage, "http://127.0.0.1:8080")
        XCTAssertEqual(endpoints.identity, "http://127.0.0.1:8080")
        XCTAssertEqual(endpoints.logging, "http://127.0.0.1:8080")
    }

    func testTransportKeys() throws {
        let defaults = try TransportConfiguration(configuration: try Configuration.load(path: Fixtures.validConfig), section: .storage)
        XCTAssertEqual(defaults.timeouts, TransportConfiguration.Timeouts())
        XCTAssertTrue(defaults.tls.verifiesPeer)
        XCTAssertNil(defaults.tls.caFile)

        let configuration = try Fixtures.configuration(endpoint: "https://127.0.0.1:1", extra: [
            "oracle": [("connect_timeout", .int(3)), ("ca_file", .string("certs/ca.pem"))],
            "oracle_oss": [("read_timeout", .double(1.5)), ("retry_max_attempts", .int(2))],
        ])
        let storage = try TransportConfiguration(configuration: configuration, section: .storage)
        XCTAssertEqual(storage.timeouts.connect, .seconds(3), "oracle's keys apply to every service")
        XCTAssertEqual(storage.timeouts.read, .milliseconds(1500))
        XCTAssertEqual(storage.retry.maxAttempts, 2)
        XCTAssertEqual(storage.tls.caFile, Fixtures.root.appendingPathComponent("config/certs/ca.pem").path, "relative to the configuration file")
        let functions = try TransportConfiguration(configuration: configuration, section: .functions)
        XCTAssertEqual(functions.timeouts.read, .seconds(60), "oracle_oss's keys stay in oracle_oss")
        XCTAssertEqual(functions.retry.maxAttempts, 8)

        let insecure = try Fixtures.configuration(endpoint: "https://127.0.0.1:1", extra: ["oracle_f": [("tls_verify", .bool(false))]])
        XCTAssertFalse(try TransportConfiguration(configuration: insecure, section: .functions).tls.verifiesPeer)
    }

    func testBadTransportKeysNameKeyAndSection() throws {
        let cases: [(String, ConfigValue, String)] = [
            ("read_timeout", .string("soon"), "positive number of seconds"),
            ("connect_timeout", .int(0), "positive number of seconds"),
            ("retry_max_attempts", .int(0), "at least 1"),
            ("tls_verify", .string("no"), "true or false"),
            ("ca_file", .int(3), "PEM file"),
        ]
        for (key, value, expected) in cases {
            let configuration = try Fixtures.configuration(endpoint: "https://127.0.0.1:1", extra: ["oracle_oss": [(key, value)]])
            XCTAssertThrowsError(try TransportConfiguration(configuration: configuration, section: .storage)) { error in
                let e = error as? ConfigError
                XCTAssertEqual(e?.section, "oracle_oss")
                XCTAssertEqual(e?.key, key)
                XCTAssertTrue(e?.description.contains(expected) == true, e?.description ?? "\(error)")
            }
        }
        let both = try Fixtures.configuration(endpoint: "https://127.0.0.1:1", extra: ["oracle_f": [("tls_verify", .bool(false)), ("ca_file", .string("/ca.pem"))]])
        XCTAssertThrowsError(try TransportConfiguration(configuration: both, section: .functions)) { error in
            XCTAssertEqual((error as? ConfigError)?.key, "ca_file")
        }
    }

    func testLogLevelFromConfiguration() throws {
        let debug = try Fixtures.configuration(endpoint: "http://127.0.0.1:1", extra: ["lithops": [("log_level", .string("DEBUG"))]])
        XCTAssertEqual(Logger(configuration: debug).level, .debug)
    }

    func testPercentEncoding() {
        XCTAssertEqual(PercentEncoding.component("a b/c+d%é~._-"), "a%20b%2Fc%2Bd%25%C3%A9~._-")
        XCTAssertEqual(PercentEncoding.component("."), "%2E", "a dot segment the HTTP client would collapse after signing")
        XCTAssertEqual(PercentEncoding.component(".."), "%2E%2E")
        XCTAssertEqual(PercentEncoding.component("..."), "...")
        XCTAssertEqual(PercentEncoding.query([("prefix", "x/y"), ("start", nil), ("limit", "10")]), "?prefix=x%2Fy&limit=10")
        XCTAssertEqual(PercentEncoding.query([("start", nil)]), "")
    }
}

final class IdentityTests: XCTestCase {
    /// The emulator serves no Identity API, so a loopback stub answers GetUser over real HTTP.
    func testGetUser() async throws {
        let stub = Process()
        stub.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        stub.arguments = ["python3", "-c", """
            import json, sys
            from http.server import BaseHTTPRequestHandler, HTTPServer
            class H(BaseHTTPRequestHandler):
                def log_message(self, *a): pass
                def do_GET(self):
                    signed = self.headers.get("authorization", "").startswith("Signature ")
                    ok = self.path == "/20160918/users/ocid1.user.oc1..aaaaaaaatestuser" and signed
                    body = json.dumps({"id": "ocid1.user.oc1..aaaaaaaatestuser", "name": "tester@example.com",
                        "lifecycleState": "ACTIVE"} if ok else {"code": "NotAuthorizedOrNotFound", "message": "no"}).encode()
                    self.send_response(200 if ok else 404)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
            s = HTTPServer(("127.0.0.1", 0), H)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """]
        let output = Pipe()
        stub.standardOutput = output
        try stub.run()
        defer {
            kill(stub.processIdentifier, SIGKILL)
            stub.waitUntilExit()
        }
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), let b = byte.first, b != 0x0A { line.append(b) }
        let port = try XCTUnwrap(Int(String(decoding: line, as: UTF8.self)))

        let configuration = try Fixtures.configuration(endpoint: "http://127.0.0.1:\(port)")
        let identity = try Session(configuration: configuration, logger: .disabled).identity
        let user = try await identity.getUser(id: try XCTUnwrap(configuration.oracle.user))
        XCTAssertEqual(user.name, "tester@example.com")
        XCTAssertEqual(user.lifecycleState, "ACTIVE")
        let missing = await serviceError { _ = try await identity.getUser(id: "ocid1.user.oc1..other") }
        XCTAssertEqual(missing?.code, "NotAuthorizedOrNotFound")
    }
}
