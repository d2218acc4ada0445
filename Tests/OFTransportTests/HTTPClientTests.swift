import COpenSSL
import Foundation
import OFTransport
import XCTest

final class HTTPClientTests: XCTestCase {
    var server: LoopbackServer!
    var client: HTTPClient!

    override func setUpWithError() throws {
        server = try LoopbackServer()
        client = try HTTPClient()
    }

    override func tearDown() {
        client?.shutdown()
        server?.stop()
    }

    func testMethodsHeadersAndBodyRoundTrip() async throws {
        let body = Array("{\"hello\": \"world\"}".utf8)
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            let response = try await client.execute(HTTPRequest(
                method: method, url: server.url("/echo?q=1"), headers: ["X-Custom": "yes", "content-type": "application/json"],
                body: .bytes(body)))
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.headers["OPC-REQUEST-ID"], "echo-1", "header lookup ignores case")
            let echo = try json(response.body)
            XCTAssertEqual(echo["method"] as? String, method)
            XCTAssertEqual(echo["path"] as? String, "/echo?q=1")
            XCTAssertEqual(echo["length"] as? Int, body.count)
            XCTAssertEqual(echo["sha256"] as? String, sha256Hex(body))
            let headers = try XCTUnwrap(echo["headers"] as? [String: String])
            XCTAssertEqual(headers["x-custom"], "yes")
            XCTAssertEqual(headers["content-length"], String(body.count))
            XCTAssertNil(headers["expect"], "small bodies go without Expect: 100-continue")
        }
        let get = try await client.execute(HTTPRequest(method: "GET", url: server.url("/bytes?n=1000")))
        XCTAssertEqual(get.body, (0..<1000).map { UInt8($0 % 251) })
        let head = try await client.execute(HTTPRequest(method: "HEAD", url: server.url("/bytes?n=1000")))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.headers["content-length"], "1000")
        XCTAssertTrue(head.body.isEmpty)
        let missing = try await client.execute(HTTPRequest(method: "GET", url: server.url("/nowhere")))
        XCTAssertEqual(missing.status, 404)
        XCTAssertFalse(missing.isSuccess)
    }

    func testUserAgentNamesLibraryAndVersion() async throws {
        let response = try await client.execute(HTTPRequest(method: "GET", url: server.url("/echo")))
        let headers = try XCTUnwrap(try json(response.body)["headers"] as? [String: String])
        XCTAssertEqual(headers["user-agent"], client.userAgent)
        XCTAssertTrue(client.userAgent.hasPrefix("oraclefn/\(LibraryVersion.string) (Linux; "), client.userAgent)
        XCTAssertTrue(client.userAgent.contains("libcurl/"))
    }

    func testLargeBodyStreamsFromFileWithExpectContinue() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("big.bin").path
        var data = [UInt8](repeating: 0, count: 48 << 20)
        for i in stride(from: 0, to: data.count, by: 4096) { data[i] = UInt8(truncatingIfNeeded: i >> 12) }
        FileManager.default.createFile(atPath: path, contents: Data(data))
        let source = try FileSource(path: path)
        XCTAssertEqual(source.count, data.count)

        let response = try await client.execute(HTTPRequest(method: "PUT", url: server.url("/echo"), body: .source(source)))
        let echo = try json(response.body)
        XCTAssertEqual(echo["length"] as? Int, data.count)
        XCTAssertEqual(echo["sha256"] as? String, sha256Hex(data))
        XCTAssertEqual((echo["headers"] as? [String: String])?["expect"], "100-continue")

        // A slice is read from its own offsets.
        let slice = source.slice(1000..<(1000 + (3 << 20)))
        let part = try await client.execute(HTTPRequest(method: "PUT", url: server.url("/echo"), body: .source(slice)))
        XCTAssertEqual(try json(part.body)["sha256"] as? String, sha256Hex(Array(data[1000..<(1000 + (3 << 20))])))
    }

    func testSinkReceivesSuccessfulBodiesOnly() async throws {
        let sink = CollectingSink()
        let response = try await client.execute(HTTPRequest(method: "GET", url: server.url("/bytes?n=3000000"), sink: sink))
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.body.isEmpty)
        XCTAssertEqual(sink.expected, 3_000_000)
        XCTAssertEqual(sink.bytes.count, 3_000_000)
        XCTAssertEqual(Array(sink.bytes.prefix(300)), (0..<300).map { UInt8($0 % 251) })

        let errorSink = CollectingSink()
        let missing = try await client.execute(HTTPRequest(method: "GET", url: server.url("/nowhere"), sink: errorSink))
        XCTAssertEqual(missing.status, 404)
        XCTAssertTrue(try json(missing.body)["code"] as? String == "NotFound", "error bodies are kept for the report")
        XCTAssertTrue(errorSink.bytes.isEmpty)
        XCTAssertNil(errorSink.expected)
    }

    func testSinkFailureEndsTheTransfer() async throws {
        let sink = CollectingSink(failAfter: 2)
        do {
            _ = try await client.execute(HTTPRequest(method: "GET", url: server.url("/bytes?n=3000000"), sink: sink))
            XCTFail("expected the sink's error")
        } catch {
            XCTAssertEqual(error.kind, .bodySource)
            XCTAssertTrue(error.description.contains("disk full"), error.description)
        }
    }

    func testHundredsInFlightThroughCallbacksReuseConnections() throws {
        let count = 300
        let done = expectation(description: "all completed")
        done.expectedFulfillmentCount = count
        let results = LockedArray<Int>()
        for i in 0..<count {
            client.submit(HTTPRequest(method: "GET", url: server.url(i % 2 == 0 ? "/echo" : "/slow?delay=0.2"))) { result in
                if case .success(let r) = result { results.append(r.status) }
                done.fulfill()
            }
        }
        wait(for: [done], timeout: 60)
        XCTAssertEqual(results.values.count, count)
        XCTAssertTrue(results.values.allSatisfy { $0 == 200 })
    }

    func testProxyFromTheEnvironment() async throws {
        setenv("http_proxy", server.base, 1)
        defer { unsetenv("http_proxy") }
        let response = try await client.execute(HTTPRequest(method: "GET", url: "http://proxied.invalid/echo"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(try json(response.body)["path"] as? String, "http://proxied.invalid/echo", "the request went through the proxy")
    }

    func testSequentialRequestsReuseOneConnection() async throws {
        var ports = Set<Int>()
        var opened = 0
        for _ in 0..<5 {
            let response = try await client.execute(HTTPRequest(method: "GET", url: server.url("/echo")))
            ports.insert(try XCTUnwrap(try json(response.body)["client_port"] as? Int))
            opened += response.connectionsOpened
            XCTAssertEqual(response.httpVersion, "1.1", "plain http stays on HTTP/1.1")
        }
        XCTAssertEqual(ports.count, 1, "keep-alive: one connection for sequential requests")
        XCTAssertEqual(opened, 1)
    }

    /// Requests one after another run on the same reused curl handle: nothing of one may reach the next.
    func testNoOptionOfARequestCarriesOverToTheNext() async throws {
        let head = try await client.execute(HTTPRequest(method: "HEAD", url: server.url("/bytes?n=10")))
        XCTAssertTrue(head.body.isEmpty)
        let afterHead = try await client.execute(HTTPRequest(method: "GET", url: server.url("/bytes?n=10")))
        XCTAssertEqual(afterHead.body, (0..<10).map { UInt8($0 % 251) }, "a GET after a HEAD has its body")
        _ = try await client.execute(HTTPRequest(
            method: "DELETE", url: server.url("/echo"), headers: ["X-Custom": "yes"], body: .bytes(Array("gone".utf8)),
            readTimeout: .seconds(5)))
        let afterDelete = try json(try await client.execute(HTTPRequest(method: "GET", url: server.url("/echo"))).body)
        XCTAssertEqual(afterDelete["method"] as? String, "GET")
        XCTAssertEqual(afterDelete["length"] as? Int, 0)
        let headers = try XCTUnwrap(afterDelete["headers"] as? [String: String])
        XCTAssertNil(headers["x-custom"], "no header of the previous request is sent")
    }

    func testCancellingTheTaskCancelsTheRequest() async throws {
        let client = self.client!
        let url = server.url("/slow?delay=5")
        let started = Date()
        let task = Task { try await client.execute(HTTPRequest(method: "GET", url: url)) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("expected cancellation")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .cancelled)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }

    func testCancelThroughTokenCompletesWithCancelled() throws {
        let done = expectation(description: "completed")
        let outcome = LockedArray<TransportError.Kind>()
        let token = client.submit(HTTPRequest(method: "GET", url: server.url("/slow?delay=5"))) { result in
            if case .failure(let e) = result { outcome.append(e.kind) }
            done.fulfill()
        }
        client.cancel(token)
        wait(for: [done], timeout: 3)
        XCTAssertEqual(outcome.values, [.cancelled])
    }

    func testReadTimeout() async throws {
        let client = try HTTPClient(configuration: TransportConfiguration(timeouts: .init(connect: .seconds(5), read: .seconds(1))))
        defer { client.shutdown() }
        do {
            _ = try await client.execute(HTTPRequest(method: "GET", url: server.url("/slow?delay=4")))
            XCTFail("expected a timeout")
        } catch {
            XCTAssertEqual(error.kind, .timedOut)
            XCTAssertTrue(error.requestSent)
            XCTAssertTrue(error.description.contains("read timeout"), error.description)
        }
        // A request may ask for longer.
        var patient = HTTPRequest(method: "GET", url: server.url("/slow?delay=2"))
        patient.readTimeout = .seconds(10)
        let response = try await client.execute(patient)
        XCTAssertEqual(response.body, Array("late".utf8))
    }

    func testConnectionRefusedIsNotSent() async throws {
        let port = try closedPort()
        do {
            _ = try await client.execute(HTTPRequest(method: "POST", url: "http://127.0.0.1:\(port)/x", body: .bytes([1])))
            XCTFail("expected a connect failure")
        } catch {
            XCTAssertEqual(error.kind, .connectFailed)
            XCTAssertFalse(error.requestSent)
            XCTAssertTrue(error.description.contains("check the endpoint"), error.description)
        }
    }

    func testDroppedConnectionIsConnectionLost() async throws {
        do {
            _ = try await client.execute(HTTPRequest(method: "GET", url: server.url("/drop")))
            XCTFail("expected a failure")
        } catch {
            XCTAssertEqual(error.kind, .connectionLost)
            XCTAssertTrue(error.requestSent)
        }
    }

    func testMalformedRequestsAreRefusedBeforeSending() async throws {
        let cases: [(HTTPRequest, String)] = [
            (HTTPRequest(method: "GET", url: "ftp://127.0.0.1/x"), "not an http"),
            (HTTPRequest(method: "G T", url: server.url("/echo")), "not an HTTP method"),
            (HTTPRequest(method: "GET", url: server.url("/echo"), headers: ["x-bad": "a\r\nInjected: 1"]), "line break"),
            (HTTPRequest(method: "PUT", url: server.url("/echo"), headers: ["content-length": "5"], body: .bytes([1, 2])), "content-length"),
        ]
        for (request, expected) in cases {
            do {
                _ = try await client.execute(request)
                XCTFail("expected \(expected)")
            } catch {
                XCTAssertEqual(error.kind, .invalidRequest)
                XCTAssertFalse(error.requestSent)
                XCTAssertTrue(error.description.contains(expected), error.description)
            }
        }
    }

    func testShutdownRefusesNewRequests() async throws {
        client.shutdown()
        client.shutdown()
        do {
            _ = try await client.execute(HTTPRequest(method: "GET", url: server.url("/echo")))
            XCTFail("expected shutdown")
        } catch {
            XCTAssertEqual(error.kind, .shutdown)
        }
    }

    func testShutdownCompletesRequestsInFlight() throws {
        let done = expectation(description: "completed")
        let outcome = LockedArray<TransportError.Kind>()
        client.submit(HTTPRequest(method: "GET", url: server.url("/slow?delay=5"))) { result in
            if case .failure(let e) = result { outcome.append(e.kind) }
            done.fulfill()
        }
        Thread.sleep(forTimeInterval: 0.2)
        client.shutdown()
        wait(for: [done], timeout: 3)
        XCTAssertEqual(outcome.values, [.shutdown])
    }
}

final class TLSTests: XCTestCase {
    func testSelfSignedServerRefusedWithoutItsCAAndAcceptedWithIt() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let certificate = try makeSelfSignedCertificate(in: dir)
        let server = try LoopbackServer(tls: certificate)
        defer { server.stop() }

        let verifying = try HTTPClient()
        defer { verifying.shutdown() }
        do {
            _ = try await verifying.execute(HTTPRequest(method: "GET", url: server.url("/echo")))
            XCTFail("a self-signed certificate must not be trusted by default")
        } catch {
            XCTAssertEqual(error.kind, .tls)
            XCTAssertFalse(error.requestSent)
            XCTAssertTrue(error.description.contains("ca_file"), error.description)
        }

        let trusting = try HTTPClient(configuration: TransportConfiguration(tls: .trusting(caFile: certificate.cert)))
        defer { trusting.shutdown() }
        let response = try await trusting.execute(HTTPRequest(method: "GET", url: server.url("/echo")))
        XCTAssertEqual(response.status, 200)

        let missingCA = try HTTPClient(configuration: TransportConfiguration(tls: .trusting(caFile: dir.appendingPathComponent("none.pem").path)))
        defer { missingCA.shutdown() }
        do {
            _ = try await missingCA.execute(HTTPRequest(method: "GET", url: server.url("/echo")))
            XCTFail("a missing CA file must fail")
        } catch {
            XCTAssertEqual(error.kind, .tls)
        }
    }

    /// nghttpd (Debian's nghttp2-server) offers HTTP/2 over TLS: requests use it, and concurrent
    /// ones share one multiplexed connection.
    func testHTTP2WhereOfferedWithMultiplexing() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let certificate = try makeSelfSignedCertificate(in: dir)
        let docs = dir.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        try Data("over h2".utf8).write(to: docs.appendingPathComponent("hello.txt"))
        let port = try closedPort()
        let nghttpd = Process()
        nghttpd.executableURL = URL(fileURLWithPath: "/usr/sbin/nghttpd")
        nghttpd.arguments = ["-d", docs.path, "--address=127.0.0.1", String(port), certificate.key, certificate.cert]
        try nghttpd.run()
        defer {
            kill(nghttpd.processIdentifier, SIGKILL)
            nghttpd.waitUntilExit()
        }
        try waitForListener(port: port)

        let client = try HTTPClient(configuration: TransportConfiguration(tls: .trusting(caFile: certificate.cert)))
        defer { client.shutdown() }
        let url = "https://127.0.0.1:\(port)/hello.txt"
        let responses = try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
            for _ in 0..<20 { group.addTask { try await client.execute(HTTPRequest(method: "GET", url: url)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(responses.count, 20)
        XCTAssertTrue(responses.allSatisfy { $0.status == 200 && $0.httpVersion == "2" && $0.body == Array("over h2".utf8) })
        XCTAssertEqual(responses.map(\.connectionsOpened).reduce(0, +), 1, "one connection, 20 streams")
    }

    func testTurningVerificationOffIsExplicitAndLogged() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try LoopbackServer(tls: try makeSelfSignedCertificate(in: dir))
        defer { server.stop() }
        let log = LogCapture()
        let client = try HTTPClient(
            configuration: TransportConfiguration(tls: .insecureNoVerification),
            logger: Logger(level: .warning) { level, line in log.append("\(level) \(line)") })
        defer { client.shutdown() }
        XCTAssertEqual(log.lines.count, 1)
        XCTAssertTrue(log.lines.first?.contains("TLS verification is OFF") == true)
        let response = try await client.execute(HTTPRequest(method: "GET", url: server.url("/echo")))
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(TransportConfiguration().tls.verifiesPeer, "verification is on by default")
    }
}

final class CollectingSink: ResponseSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [UInt8] = []
    private var expectedLength: Int?
    private let failAfter: Int?
    private var writes = 0

    init(failAfter: Int? = nil) { self.failAfter = failAfter }

    var bytes: [UInt8] { lock.withLock { stored } }
    var expected: Int? { lock.withLock { expectedLength } }

    func begin(expectedLength: Int?) throws(TransportError) {
        lock.withLock {
            stored.removeAll()
            self.expectedLength = expectedLength
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(TransportError) {
        let failing = lock.withLock {
            writes += 1
            stored.append(contentsOf: bytes)
            return failAfter.map { writes > $0 } ?? false
        }
        if failing { throw .bodySource("disk full") }
    }
}

final class LockedArray<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [T] = []
    var values: [T] { lock.withLock { stored } }
    func append(_ v: T) { lock.withLock { stored.append(v) } }
}

func sha256Hex(_ bytes: [UInt8]) -> String {
    var digest = [UInt8](repeating: 0, count: 32)
    var size: UInt32 = 0
    _ = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &digest, &size, EVP_sha256(), nil) }
    return digest.map { String(format: "%02x", $0) }.joined()
}
