import Foundation
import Glibc
import HTTPTypes
import OFSigning
import XCTest

@testable import OFEmulator

/// The emulator over real TCP on loopback: signatures, request ids, OCI error bodies and the routes.
final class EmulatorHTTPTests: XCTestCase {
    private var emulators: [Emulator] = []

    override func tearDown() async throws {
        for emulator in self.emulators { await emulator.stop() }
        self.emulators = []
    }

    // MARK: Every request

    func testRequestIdIsEchoedOrMadeUp() async throws {
        let client = try await self.start()
        let echoed = try await client.send(.get, "/n/", headers: ["opc-request-id": "MY-REQUEST-1"])
        XCTAssertEqual(echoed.status, 200)
        XCTAssertEqual(echoed.header("opc-request-id"), "MY-REQUEST-1")
        let madeUp = try await client.send(.get, "/n")
        XCTAssertEqual(madeUp.header("opc-request-id")?.count, 32)
        XCTAssertEqual(try madeUp.json() as? String, "oraclefn", "GetNamespace answers a JSON string")
        let clientId = try await client.send(.get, "/n/", headers: ["opc-client-request-id": "trace-7"])
        XCTAssertEqual(clientId.header("opc-client-request-id"), "trace-7")
    }

    func testUnsignedRequestGets401WithOCIsErrorBody() async throws {
        let client = try await self.start()
        let answer = try await client.sendRaw(.get, "/n/", headers: ["opc-request-id": "R1"], body: nil)
        XCTAssertEqual(answer.status, 401)
        XCTAssertEqual(answer.errorCode, "NotAuthenticated")
        XCTAssertEqual(answer.header("content-type"), "application/json")
        XCTAssertEqual(answer.header("opc-request-id"), "R1", "errors carry the request id too")
        XCTAssertTrue(answer.text.contains("Authorization"), answer.text)
    }

    /// Each way of breaking a signature gets 401 NotAuthenticated, and the bucket it tried to create does not appear.
    func testBrokenSignaturesGet401AndChangeNothing() async throws {
        let client = try await self.start()
        let create = "/n/oraclefn/b/"
        let body = Array(#"{"name": "forbidden", "compartmentId": "\#(EmulatorFixtures.compartment)"}"#.utf8)
        let stranger = RequestSigner(keyId: "\(EmulatorFixtures.tenancy)/\(EmulatorFixtures.user)/00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff", key: try PrivateKey.generate())
        let staleSigner = RequestSigner(keyId: client.signer.keyId, key: try EmulatorFixtures.testKey()) { Int(Date().timeIntervalSince1970) - 301 }
        let cases: [(String, () async throws -> SignedClient.Answer)] = [
            ("tampered body", { try await client.send(.post, create, body: body) { $0["x-content-sha256"] = nil; $0["x-content-sha256"] = "AAAA" } }),
            ("body changed after signing", {
                let signed = try client.signer.sign(method: "POST", url: "http://127.0.0.1:\(client.port)\(create)", headers: [:], body: body, signBody: nil)
                var changed = body
                changed[10] = UInt8(ascii: "X")
                return try await client.sendRaw(.post, create, headers: signed, body: changed)
            }),
            ("flipped signature", { try await client.send(.post, create, body: body) { $0["authorization"] = Self.flipSignature($0["authorization"] ?? "") } }),
            ("body headers not signed", { try await client.send(.post, create, body: body, signBody: false) }),
            ("host missing", { try await client.send(.post, create, body: body) { $0["host"] = "elsewhere:1" } }),
            ("changed path", { try await client.send(.post, "/n/oraclefn/b", body: body, sendTo: create) }),
            ("stale date", { try await client.send(.post, create, body: body, signer: staleSigner) }),
            ("unknown key", { try await client.send(.post, create, body: body, signer: stranger) }),
        ]
        for (name, attempt) in cases {
            let answer = try await attempt()
            XCTAssertEqual(answer.status, 401, "\(name): \(answer.text)")
            XCTAssertEqual(answer.errorCode, "NotAuthenticated", name)
        }
        let reordered = try await client.send(.get, "/n/oraclefn/b?compartmentId=\(EmulatorFixtures.compartment)&limit=5", sendTo: "/n/oraclefn/b?limit=5&compartmentId=\(EmulatorFixtures.compartment)")
        XCTAssertEqual(reordered.status, 401, "reordered query: \(reordered.text)")
        let check = try await client.send(.get, "/n/oraclefn/b/forbidden")
        XCTAssertEqual(check.status, 404)
        XCTAssertEqual(check.errorCode, "BucketNotFound")
    }

    func testUnknownRouteGives404AndWrongMethodToo() async throws {
        let client = try await self.start()
        let unknown = try await client.send(.get, "/nothing/here")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.errorCode, "NotFound")
        XCTAssertTrue(unknown.text.contains("docs/emulator.md"), unknown.text)
        let wrongMethod = try await client.send(.patch, "/n/")
        XCTAssertEqual(wrongMethod.status, 404)
        XCTAssertEqual(wrongMethod.errorCode, "NotFound")
    }

    func testOversizedBodyGets413() async throws {
        let client = try await self.start { $0.maxRequestBodyBytes = 1024 }
        try await self.createBucket(client, "b")
        let answer = try await client.send(.put, "/n/oraclefn/b/b/o/big", body: [UInt8](repeating: 7, count: 4096))
        XCTAssertEqual(answer.status, 413)
        XCTAssertEqual(answer.errorCode, "RequestEntityTooLarge")
    }

    func testPreauthenticatedURLsNeedNoSignatureButKeepTheBodyLimit() async throws {
        let client = try await self.start { $0.maxRequestBodyBytes = 1024 }
        try await self.createBucket(client, "b")
        let expires = Identifiers.timestamp(Date().addingTimeInterval(3600))
        let created = try await client.json(.post, "/n/oraclefn/b/b/p", ["name": "drop", "objectName": "in", "accessType": "ObjectReadWrite", "timeExpires": expires])
        XCTAssertEqual(created.status, 200, created.text)
        let accessUri = try XCTUnwrap((try created.json() as? [String: Any])?["accessUri"] as? String)

        let put = try await client.sendRaw(.put, accessUri, headers: [:], body: Array("small".utf8))
        XCTAssertEqual(put.status, 200, put.text)
        let got = try await client.sendRaw(.get, accessUri, headers: [:], body: nil)
        XCTAssertEqual(got.text, "small")
        let big = try await client.sendRaw(.put, accessUri, headers: [:], body: [UInt8](repeating: 7, count: 4096))
        XCTAssertEqual(big.status, 413)
        XCTAssertEqual(big.errorCode, "RequestEntityTooLarge")
        // the unsigned pass is for /p/ URLs only: the same object by its signed path is refused
        let unsigned = try await client.sendRaw(.get, "/n/oraclefn/b/b/o/in", headers: [:], body: nil)
        XCTAssertEqual(unsigned.status, 401)
    }

    // MARK: Object Storage

    func testObjectNamesDecodeOnceWhetherSlashesAreEncodedOrNot() async throws {
        let client = try await self.start()
        try await self.createBucket(client, "names")
        let put = try await client.send(.put, "/n/oraclefn/b/names/o/dir%2Fa%20b%2B%C3%BC%2541", body: Array("strict".utf8), headers: ["content-type": "text/plain"])
        XCTAssertEqual(put.status, 200, put.text)
        XCTAssertEqual(put.header("opc-content-md5"), Digest.md5Base64(Array("strict".utf8)))
        XCTAssertNotNil(put.header("etag"))
        let literal = try await client.send(.get, "/n/oraclefn/b/names/o/dir/a%20b+%C3%BC%2541")
        XCTAssertEqual(literal.status, 200, literal.text)
        XCTAssertEqual(literal.text, "strict")
        XCTAssertEqual(literal.header("content-type"), "text/plain")
        XCTAssertEqual(literal.header("content-md5"), put.header("opc-content-md5"))
        let listed = try await client.send(.get, "/n/oraclefn/b/names/o?prefix=dir%2F&fields=name%2Csize")
        let objects = try XCTUnwrap((try listed.json() as? [String: Any])?["objects"] as? [[String: Any]])
        XCTAssertEqual(objects.first?["name"] as? String, "dir/a b+ü%41")
        XCTAssertEqual(objects.first?["size"] as? Int, 6)
    }

    func testRangeHeadAndDelete() async throws {
        let client = try await self.start()
        try await self.createBucket(client, "r")
        _ = try await client.send(.put, "/n/oraclefn/b/r/o/digits", body: Array("0123456789".utf8), headers: ["opc-meta-Owner": "ada"])
        let part = try await client.send(.get, "/n/oraclefn/b/r/o/digits", headers: ["range": "bytes=2-5"])
        XCTAssertEqual(part.status, 206)
        XCTAssertEqual(part.text, "2345")
        XCTAssertEqual(part.header("content-range"), "bytes 2-5/10")
        let outside = try await client.send(.get, "/n/oraclefn/b/r/o/digits", headers: ["range": "bytes=20-"])
        XCTAssertEqual(outside.status, 416)
        XCTAssertEqual(outside.header("content-range"), "bytes */10")
        let head = try await client.send(.head, "/n/oraclefn/b/r/o/digits")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("content-length"), "10")
        XCTAssertEqual(head.header("opc-meta-owner"), "ada")
        XCTAssertEqual(head.body, [])
        let notModified = try await client.send(.get, "/n/oraclefn/b/r/o/digits", headers: ["if-none-match": head.header("etag") ?? ""])
        XCTAssertEqual(notModified.status, 304)
        let deleted = try await client.send(.delete, "/n/oraclefn/b/r/o/digits")
        XCTAssertEqual(deleted.status, 204)
        let missingHead = try await client.send(.head, "/n/oraclefn/b/r/o/digits")
        XCTAssertEqual(missingHead.status, 404)
        XCTAssertEqual(missingHead.body, [], "HEAD answers carry no body, errors included")
        let missing = try await client.send(.get, "/n/oraclefn/b/r/o/digits")
        XCTAssertEqual(missing.errorCode, "ObjectNotFound")
    }

    func testMultipartUploadOverHTTP() async throws {
        let client = try await self.start()
        try await self.createBucket(client, "m")
        let created = try await client.json(.post, "/n/oraclefn/b/m/u", ["object": "parts/x"])
        let uploadId = try XCTUnwrap((try created.json() as? [String: Any])?["uploadId"] as? String)
        let first = try await client.send(.put, "/n/oraclefn/b/m/u/parts%2Fx?uploadId=\(uploadId)&uploadPartNum=1", body: Array("ab".utf8))
        let second = try await client.send(.put, "/n/oraclefn/b/m/u/parts%2Fx?uploadId=\(uploadId)&uploadPartNum=2", body: Array("cd".utf8))
        XCTAssertEqual(first.status, 200, first.text)
        let parts = try await client.send(.get, "/n/oraclefn/b/m/u/parts%2Fx?uploadId=\(uploadId)")
        XCTAssertEqual((try parts.json() as? [[String: Any]])?.map { $0["partNumber"] as? Int }, [1, 2])
        let commit = try await client.json(.post, "/n/oraclefn/b/m/u/parts%2Fx?uploadId=\(uploadId)", [
            "partsToCommit": [["partNum": 1, "etag": first.header("etag") ?? ""], ["partNum": 2, "etag": second.header("etag") ?? ""]],
        ])
        XCTAssertEqual(commit.status, 200, commit.text)
        XCTAssertTrue(commit.header("opc-multipart-md5")?.hasSuffix("-2") == true)
        let object = try await client.send(.get, "/n/oraclefn/b/m/o/parts/x")
        XCTAssertEqual(object.text, "abcd")
        XCTAssertEqual(object.header("opc-multipart-md5"), commit.header("opc-multipart-md5"))
        XCTAssertNil(object.header("content-md5"))
    }

    func testBucketsOverHTTP() async throws {
        let client = try await self.start()
        let created = try await client.json(.post, "/n/oraclefn/b/", ["name": "one", "compartmentId": EmulatorFixtures.compartment])
        XCTAssertEqual(created.status, 200, created.text)
        XCTAssertEqual((try created.json() as? [String: Any])?["createdBy"] as? String, EmulatorFixtures.user)
        let again = try await client.json(.post, "/n/oraclefn/b/", ["name": "one", "compartmentId": EmulatorFixtures.compartment])
        XCTAssertEqual(again.status, 409)
        XCTAssertEqual(again.errorCode, "BucketAlreadyExists")
        let head = try await client.send(.head, "/n/oraclefn/b/one")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("etag"), created.header("etag"))
        let list = try await client.send(.get, "/n/oraclefn/b?compartmentId=\(EmulatorFixtures.compartment)")
        XCTAssertEqual((try list.json() as? [[String: Any]])?.map { $0["name"] as? String }, ["one"])
        let noCompartment = try await client.send(.get, "/n/oraclefn/b")
        XCTAssertEqual(noCompartment.status, 400)
        let otherNamespace = try await client.send(.get, "/n/elsewhere/b/one")
        XCTAssertEqual(otherNamespace.errorCode, "NamespaceNotFound")
        let badJSON = try await client.send(.post, "/n/oraclefn/b/", body: Array("{not json".utf8))
        XCTAssertEqual(badJSON.status, 400)
        XCTAssertEqual(badJSON.errorCode, "CannotParseRequest")
        let deleted = try await client.send(.delete, "/n/oraclefn/b/one")
        XCTAssertEqual(deleted.status, 204)
    }

    func testExpectContinueIsAnsweredBeforeTheBody() async throws {
        let client = try await self.start()
        try await self.createBucket(client, "e")
        let target = "/n/oraclefn/b/e/o/waited"
        let signed = try client.signer.sign(method: "PUT", url: "http://127.0.0.1:\(client.port)\(target)", headers: [:], body: nil, signBody: nil)
        var head = "PUT \(target) HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
        for (name, value) in signed { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let socket = try RawSocket(port: client.port)
        defer { socket.close() }
        try socket.send(Array(head.utf8))
        let interim = try socket.receive(until: "\r\n\r\n")
        XCTAssertTrue(interim.hasPrefix("HTTP/1.1 100 Continue"), interim)
        try socket.send(Array("hello".utf8))
        let final = try socket.receive(until: "\r\n\r\n")
        XCTAssertTrue(final.hasPrefix("HTTP/1.1 200"), final)
        let stored = try await client.send(.get, target)
        XCTAssertEqual(stored.text, "hello")
    }

    func testStateDirectoryKeepsObjectsAndPreauthenticatedRequestsAcrossARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ofn-http-state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await self.start { $0.stateDirectory = directory }
        try await self.createBucket(first, "kept")
        _ = try await first.send(.put, "/n/oraclefn/b/kept/o/note", body: Array("still here".utf8), headers: ["storage-tier": "InfrequentAccess"])
        let expires = Identifiers.timestamp(Date().addingTimeInterval(3600))
        let created = try await first.json(.post, "/n/oraclefn/b/kept/p", ["name": "share", "objectName": "note", "accessType": "ObjectRead", "timeExpires": expires])
        let accessUri = try XCTUnwrap((try created.json() as? [String: Any])?["accessUri"] as? String, created.text)
        for emulator in self.emulators { await emulator.stop() }
        self.emulators = []
        let second = try await self.start { $0.stateDirectory = directory }
        let read = try await second.send(.get, "/n/oraclefn/b/kept/o/note")
        XCTAssertEqual(read.text, "still here")
        XCTAssertEqual(read.header("storage-tier"), "InfrequentAccess")
        let shared = try await second.sendRaw(.get, accessUri, headers: [:], body: nil)
        XCTAssertEqual(shared.status, 200, shared.text)
        XCTAssertEqual(shared.text, "still here")
    }

    // MARK: Functions management

    func testApplicationsAndFunctionsUnderBothApiVersions() async throws {
        let client = try await self.start()
        let app = try await client.json(.post, "/20181201/applications", [
            "compartmentId": EmulatorFixtures.compartment, "displayName": "app", "subnetIds": ["ocid1.subnet.oc1.iad.aaaa"], "config": ["A": "1"],
        ])
        XCTAssertEqual(app.status, 200, app.text)
        let appId = try XCTUnwrap((try app.json() as? [String: Any])?["id"] as? String)
        let readNewer = try await client.send(.get, "/20260325/applications/\(appId)")
        XCTAssertEqual(readNewer.status, 200)
        XCTAssertEqual(readNewer.header("etag"), app.header("etag"))

        let function = try await client.json(.post, "/20260325/functions", [
            "displayName": "fn", "applicationId": appId, "memoryInMBs": 256,
            "sourceDetails": ["sourceType": "CONTAINER_IMAGE", "image": "oraclefn/echo:1"],
        ])
        XCTAssertEqual(function.status, 200, function.text)
        let resource = try XCTUnwrap(try function.json() as? [String: Any])
        XCTAssertEqual(resource["image"] as? String, "oraclefn/echo:1")
        XCTAssertEqual(resource["invokeEndpoint"] as? String, "http://127.0.0.1:\(client.port)")
        XCTAssertEqual(resource["lifecycleState"] as? String, "ACTIVE")
        let functionId = try XCTUnwrap(resource["id"] as? String)

        let update = try await client.json(.put, "/20181201/functions/\(functionId)", ["timeoutInSeconds": 120])
        XCTAssertEqual((try update.json() as? [String: Any])?["timeoutInSeconds"] as? Int, 120)
        let stale = try await client.send(.put, "/20181201/functions/\(functionId)", body: Array("{}".utf8), headers: ["if-match": function.header("etag") ?? ""])
        XCTAssertEqual(stale.status, 412)

        let listed = try await client.send(.get, "/20181201/functions?applicationId=\(appId)")
        let summaries = try XCTUnwrap(try listed.json() as? [[String: Any]])
        XCTAssertEqual(summaries.count, 1)
        XCTAssertNil(summaries[0]["config"], "summaries leave config out")

        let conflict = try await client.send(.delete, "/20181201/applications/\(appId)")
        XCTAssertEqual(conflict.status, 409)
        let functionDeleted = try await client.send(.delete, "/20260325/functions/\(functionId)")
        XCTAssertEqual(functionDeleted.status, 204)
        let applicationDeleted = try await client.send(.delete, "/20181201/applications/\(appId)")
        XCTAssertEqual(applicationDeleted.status, 204)
        let gone = try await client.send(.get, "/20181201/applications/\(appId)")
        XCTAssertEqual(gone.status, 404)
        XCTAssertEqual(gone.errorCode, "NotAuthorizedOrNotFound")
    }

    func testListApplicationsPagesWithOpcNextPage() async throws {
        let client = try await self.start()
        for index in 0..<12 {
            let created = try await client.json(.post, "/20181201/applications", [
                "compartmentId": EmulatorFixtures.compartment, "displayName": "app-\(index)", "subnetIds": ["ocid1.subnet.oc1.iad.aaaa"],
            ])
            XCTAssertEqual(created.status, 200)
        }
        var names: [String] = []
        var page: String?
        repeat {
            let answer = try await client.send(.get, "/20181201/applications?compartmentId=\(EmulatorFixtures.compartment)&sortBy=displayName&limit=5" + (page.map { "&page=\($0)" } ?? ""))
            names += (try answer.json() as? [[String: Any]])?.compactMap { $0["displayName"] as? String } ?? []
            page = answer.header("opc-next-page")
        } while page != nil
        XCTAssertEqual(names, (0..<12).map { "app-\($0)" }.sorted())
    }

    // MARK: Helpers

    private func start(configure: (inout EmulatorOptions) -> Void = { _ in }) async throws -> SignedClient {
        let (emulator, client) = try await EmulatorFixtures.startEmulator(configure: configure)
        self.emulators.append(emulator)
        return client
    }

    private func createBucket(_ client: SignedClient, _ name: String) async throws {
        let answer = try await client.json(.post, "/n/oraclefn/b/", ["name": name, "compartmentId": EmulatorFixtures.compartment])
        XCTAssertEqual(answer.status, 200, answer.text)
    }

    private static func flipSignature(_ authorization: String) -> String {
        guard let range = authorization.range(of: "signature=\"") else { return authorization }
        var text = authorization
        let index = range.upperBound
        text.replaceSubrange(index...index, with: text[index] == "A" ? "B" : "A")
        return text
    }
}

/// A blocking loopback TCP connection, to speak HTTP by hand where a client library would hide the detail.
private struct RawSocket {
    let descriptor: Int32

    init(port: Int) throws {
        self.descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(self.descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ bytes: [UInt8]) throws {
        guard Glibc.send(self.descriptor, bytes, bytes.count, 0) == bytes.count else { throw POSIXError(.EIO) }
    }

    /// Reads until `marker` has arrived (or the 5 s timeout passes) and returns what came.
    func receive(until marker: String) throws -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains(marker) {
            let count = recv(self.descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += buffer.prefix(count)
        }
        return String(decoding: received, as: UTF8.self)
    }

    func close() {
        Glibc.close(self.descriptor)
    }
}
