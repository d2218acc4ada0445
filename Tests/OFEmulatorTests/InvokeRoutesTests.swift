import Foundation
import HummingbirdTesting
import XCTest

@testable import OFEmulator

/// InvokeFunction over real TCP, signed as the SDKs sign it, run by the native handler.
final class InvokeRoutesTests: XCTestCase {
    private var emulators: [Emulator] = []

    override func tearDown() async throws {
        for emulator in emulators { await emulator.stop() }
        emulators = []
    }

    func testSyncInvokeUnderBothApiVersions() async throws {
        let (client, functionId) = try await startWithFunction(image: "oraclefn/echo:1")
        for version in ["20181201", "20260325"] {
            let answer = try await client.send(
                .post, "/\(version)/functions/\(functionId)/actions/invoke", body: Array("ping \(version)".utf8), headers: ["content-type": "text/plain"])
            XCTAssertEqual(answer.status, 200, answer.text)
            XCTAssertEqual(answer.text, "ping \(version)")
            XCTAssertEqual(answer.header("content-type"), "text/plain")
            XCTAssertEqual(answer.header("Fn-Call-Id")?.count, 26)
            XCTAssertNotNil(answer.header("opc-request-id"))
        }
    }

    func testDetachedInvokeIsAcceptedWithAnEmptyBody() async throws {
        let (client, functionId) = try await startWithFunction(image: "oraclefn/echo")
        let answer = try await client.send(
            .post, "/20181201/functions/\(functionId)/actions/invoke", body: Array("x".utf8), headers: ["fn-invoke-type": "detached"])
        XCTAssertEqual(answer.status, 202)
        XCTAssertEqual(answer.body, [])
        XCTAssertNotNil(answer.header("Fn-Call-Id"))
    }

    func testFailuresAreOCIErrorsNamingTheCall() async throws {
        let (client, functionId) = try await startWithFunction(image: "oraclefn/fail")
        let answer = try await client.send(.post, "/20181201/functions/\(functionId)/actions/invoke", body: [])
        XCTAssertEqual(answer.status, 502)
        XCTAssertEqual(answer.errorCode, "FunctionInvokeExecutionFailed")
        XCTAssertNotNil(answer.header("Fn-Call-Id"))
        XCTAssertEqual(answer.header("content-type"), "application/json")
    }

    func testUnknownFunctionAndInvokeTypeAreRefused() async throws {
        let (client, functionId) = try await startWithFunction(image: "oraclefn/echo")
        let unknown = try await client.send(.post, "/20181201/functions/ocid1.fnfunc.oc1..nothere/actions/invoke", body: [])
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.errorCode, "NotAuthorizedOrNotFound")
        let badType = try await client.send(
            .post, "/20181201/functions/\(functionId)/actions/invoke", body: [], headers: ["fn-invoke-type": "later"])
        XCTAssertEqual(badType.status, 400)
        XCTAssertTrue(badType.text.contains("fn-invoke-type 'later'"), badType.text)
    }

    func testDroppedConnectionFaultClosesWithoutAnAnswer() async throws {
        let (client, functionId) = try await startWithFunction(image: "oraclefn/echo") { $0.faults = FaultSettings(droppedConnections: 1) }
        do {
            let answer = try await client.send(.post, "/20181201/functions/\(functionId)/actions/invoke", body: Array("x".utf8))
            XCTFail("expected the connection to close, got \(answer.status) \(answer.text)")
        } catch TestClient.Error.connectionClosing {
            // the connection ended without a response, as intended
        }
    }

    func testCallIdsAreULIDs() {
        let earlier = InvokeRoutes.callID(now: Date(timeIntervalSince1970: 1_700_000_000))
        let later = InvokeRoutes.callID(now: Date(timeIntervalSince1970: 1_700_000_001))
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        for id in [earlier, later] {
            XCTAssertEqual(id.count, 26)
            XCTAssertTrue(id.allSatisfy(alphabet.contains), id)
        }
        XCTAssertEqual(earlier.prefix(10), "01HF7YAT00", "48-bit milliseconds first")
        XCTAssertLessThan(earlier, later, "ids sort by time")
        XCTAssertNotEqual(InvokeRoutes.callID(), InvokeRoutes.callID())
    }

    /// An emulator with the built-in images, and an application with one function of `image`.
    private func startWithFunction(image: String, configure: (inout EmulatorOptions) -> Void = { _ in }) async throws -> (SignedClient, String) {
        let native = try XCTUnwrap(ImageCatalog.locateNativeHandler(), "oraclefn-fdk must be built next to the tests (swift build)")
        let (emulator, client) = try await EmulatorFixtures.startEmulator { options in
            options.catalog = ImageCatalog(nativeHandler: native)
            configure(&options)
        }
        emulators.append(emulator)
        let app = try await client.json(.post, "/20181201/applications", [
            "compartmentId": EmulatorFixtures.compartment, "displayName": "invoke", "subnetIds": ["ocid1.subnet.oc1.iad.aaaa"],
        ])
        let appId = try XCTUnwrap((try app.json() as? [String: Any])?["id"] as? String, app.text)
        let function = try await client.json(.post, "/20181201/functions", [
            "displayName": "fn", "applicationId": appId, "memoryInMBs": 128, "image": image,
        ])
        let functionId = try XCTUnwrap((try function.json() as? [String: Any])?["id"] as? String, function.text)
        return (client, functionId)
    }
}
