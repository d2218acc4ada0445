import Foundation
import OFEmulator
@testable import OFServices
import OFTransport
import XCTest

final class FunctionsManagementTests: XCTestCase {
    var harness: EmulatorHarness!

    override func setUp() async throws { harness = try await EmulatorHarness() }
    override func tearDown() async throws { await harness?.stop() }

    func testApplicationsAndFunctionsLifecycleWithPaging() async throws {
        let management = try harness.management()
        let app = try await management.createApplication(displayName: "services-app", config: ["LEVEL": "1"])
        XCTAssertEqual(app.lifecycleState, "ACTIVE")
        XCTAssertEqual(app.subnetIds, [harness.configuration.functions.subnetId])
        XCTAssertEqual(app.compartmentId, harness.configuration.functions.compartmentId)
        _ = try await management.createApplication(displayName: "other-app")
        let appNames = try await management.listApplications().map(\.displayName).sorted()
        XCTAssertEqual(appNames, ["other-app", "services-app"])
        let namedApps = try await management.listApplications(displayName: "services-app").map(\.id)
        XCTAssertEqual(namedApps, [app.id])
        let appConfig = try await management.getApplication(id: app.id).config
        XCTAssertEqual(appConfig, ["LEVEL": "1"])
        let updatedApp = try await management.updateApplication(id: app.id, UpdateApplicationDetails(config: ["LEVEL": "2"]))
        XCTAssertEqual(updatedApp.config, ["LEVEL": "2"])

        var created: [String] = []
        for i in 0..<55 {
            let f = try await management.createFunction(CreateFunctionDetails(
                applicationId: app.id, displayName: "fn-\(i)", image: "oraclefn/echo:1", memoryInMBs: 128, timeoutInSeconds: 30))
            created.append(f.id)
        }
        let listed = try await management.listFunctions(applicationId: app.id)
        XCTAssertEqual(Set(listed.map(\.id)), Set(created), "55 functions over two pages of 50")
        XCTAssertEqual(harness.requests.filter { $0.contains("/functions?applicationId=") }.count, 2)
        let namedFunctions = try await management.listFunctions(applicationId: app.id, displayName: "fn-7").map(\.displayName)
        XCTAssertEqual(namedFunctions, ["fn-7"])

        let function = try await management.getFunction(id: created[0])
        XCTAssertEqual(function.image, "oraclefn/echo:1")
        XCTAssertEqual(function.memoryInMBs, 128)
        XCTAssertNotNil(function.invokeEndpoint)
        let updated = try await management.updateFunction(id: function.id, UpdateFunctionDetails(memoryInMBs: 512, config: ["A": "b"]))
        XCTAssertEqual(updated.memoryInMBs, 512)
        let waitedState = try await management.waitForFunction(id: function.id).lifecycleState
        XCTAssertEqual(waitedState, "ACTIVE")
        let waitedApp = try await management.waitForApplication(id: app.id).id
        XCTAssertEqual(waitedApp, app.id)

        let duplicate = await serviceError {
            _ = try await management.createFunction(CreateFunctionDetails(applicationId: app.id, displayName: "fn-1", image: "oraclefn/echo", memoryInMBs: 128))
        }
        XCTAssertEqual(duplicate?.httpStatus, 409)
        let invalid = await serviceError {
            _ = try await management.createFunction(CreateFunctionDetails(applicationId: app.id, displayName: "odd", image: "oraclefn/echo", memoryInMBs: 100))
        }
        XCTAssertEqual(invalid?.httpStatus, 400)

        for id in created { try await management.deleteFunction(id: id) }
        try await management.deleteApplication(id: app.id)
        let gone = await serviceError { _ = try await management.getApplication(id: app.id) }
        XCTAssertEqual(gone?.code, "NotAuthorizedOrNotFound")
        let goneFunction = await serviceError { _ = try await management.getFunction(id: function.id) }
        XCTAssertEqual(goneFunction?.httpStatus, 404)
    }

    func testWaitingTimesOutWithInjectedClock() async throws {
        let time = FakeTime()
        let management = try harness.management(environment: time.environment)
        let app = try await management.createApplication(displayName: "waiting")
        do {
            _ = try await management.waitForApplication(id: app.id, state: "INACTIVE", timeout: .seconds(10), pollInterval: .seconds(3))
            XCTFail("an ACTIVE application never becomes INACTIVE by itself")
        } catch let error as ClientError {
            XCTAssertEqual(error.kind, .timedOut)
            XCTAssertTrue(error.description.contains("still ACTIVE"), error.description)
        }
        XCTAssertEqual(time.sleeps, [.seconds(3), .seconds(3), .seconds(3)])
    }
}

final class FunctionsDeployTests: XCTestCase {
    var harness: EmulatorHarness!

    override func setUp() async throws { harness = try await EmulatorHarness() }
    override func tearDown() async throws { await harness?.stop() }

    private var writes: [String] { harness.requests.filter { $0.hasPrefix("POST") || $0.hasPrefix("PUT") } }

    func testEnsuringAnApplicationMakesItOnceInTheConfiguredSubnet() async throws {
        let management = try harness.management()
        let made = try await management.ensureApplication(displayName: "runtime-app")
        XCTAssertEqual(made.lifecycleState, "ACTIVE")
        XCTAssertEqual(made.subnetIds, [harness.configuration.functions.subnetId])
        let found = try await management.ensureApplication(displayName: "runtime-app")
        XCTAssertEqual(found.id, made.id)
        XCTAssertEqual(writes.count, 1, "created once: \(writes)")
    }

    func testDeployingCreatesThenUpdatesOnlyWhatDiffers() async throws {
        let management = try harness.management()
        let app = try await management.ensureApplication(displayName: "deploy-app")
        let details = CreateFunctionDetails(
            applicationId: app.id, displayName: "worker", image: "oraclefn/echo:1", memoryInMBs: 128, timeoutInSeconds: 30,
            config: ["GREETING": "hi"], freeformTags: ["type": "runtime"])
        let created = try await management.deployFunction(details)
        XCTAssertEqual(created.lifecycleState, "ACTIVE")
        XCTAssertEqual(created.config, ["GREETING": "hi"])
        XCTAssertEqual(created.freeformTags, ["type": "runtime"])

        let writesBefore = writes.count
        let unchanged = try await management.deployFunction(details)
        XCTAssertEqual(unchanged.id, created.id)
        XCTAssertEqual(writes.count, writesBefore, "nothing differs, so nothing is written: \(writes)")

        var newer = details
        newer.image = "oraclefn/echo:2"
        newer.memoryInMBs = 256
        newer.config = nil
        let updated = try await management.deployFunction(newer)
        XCTAssertEqual(updated.id, created.id)
        XCTAssertEqual(updated.image, "oraclefn/echo:2")
        XCTAssertEqual(updated.memoryInMBs, 256)
        XCTAssertEqual(updated.config, ["GREETING": "hi"], "a config not given is left as it is")
        XCTAssertEqual(writes.last?.hasPrefix("PUT"), true, "\(writes)")
        let names = try await management.listFunctions(applicationId: app.id).map(\.displayName)
        XCTAssertEqual(names, ["worker"])
    }

    func testAnUpdateChangesAFunctionOnlyInTheFieldsItGives() {
        let function = Function(
            id: "f", displayName: "w", applicationId: "a", lifecycleState: "ACTIVE", image: "i:1", memoryInMBs: 128, timeoutInSeconds: 30)
        XCTAssertFalse(UpdateFunctionDetails().changes(function))
        XCTAssertFalse(UpdateFunctionDetails(image: "i:1", memoryInMBs: 128, timeoutInSeconds: 30).changes(function))
        XCTAssertFalse(UpdateFunctionDetails(config: [:], freeformTags: [:]).changes(function), "absent maps are empty")
        XCTAssertTrue(UpdateFunctionDetails(image: "i:2").changes(function))
        XCTAssertTrue(UpdateFunctionDetails(memoryInMBs: 256).changes(function))
        XCTAssertTrue(UpdateFunctionDetails(timeoutInSeconds: 60).changes(function))
        XCTAssertTrue(UpdateFunctionDetails(config: ["A": "b"]).changes(function))
        XCTAssertTrue(UpdateFunctionDetails(freeformTags: ["t": "v"]).changes(function))
    }
}

final class FunctionsInvokeTests: XCTestCase {
    func makeFunction(_ harness: EmulatorHarness, image: String = "oraclefn/echo:1") async throws -> Function {
        let management = try harness.management()
        let app = try await management.createApplication(displayName: "invoke-app")
        return try await management.createFunction(CreateFunctionDetails(applicationId: app.id, displayName: "echo", image: image, memoryInMBs: 128))
    }

    func testSyncAndDetachedInvocations() async throws {
        let harness = try await EmulatorHarness()
        addTeardownBlock { await harness.stop() }
        let function = try await makeFunction(harness)
        let invoker = try harness.invoker()
        let payload = Array("{\"hello\": \"world\"}".utf8)

        let sync = try await invoker.invoke(functionId: function.id, body: payload)
        XCTAssertEqual(sync.status, 200)
        XCTAssertEqual(sync.body, payload)
        XCTAssertNotNil(sync.callId)
        XCTAssertFalse(sync.opcRequestId.isEmpty)
        XCTAssertEqual(sync.attempts, 1)

        let detached = try await invoker.invoke(functionId: function.id, body: payload, mode: .detached)
        XCTAssertEqual(detached.status, 202)
        XCTAssertTrue(detached.body.isEmpty)
        XCTAssertNotNil(detached.callId)
        XCTAssertEqual(harness.requests.filter { $0.hasPrefix("GET") && $0.contains("/functions/") }.count, 1, "the invoke endpoint is read once")

        let direct = try await invoker.invoke(functionId: function.id, invokeEndpoint: try XCTUnwrap(function.invokeEndpoint), body: [1, 2, 3])
        XCTAssertEqual(direct.body, [1, 2, 3])

        let failing = try await harness.management().createFunction(CreateFunctionDetails(
            applicationId: function.applicationId, displayName: "fail", image: "oraclefn/fail", memoryInMBs: 128))
        let failed = await serviceError { _ = try await invoker.invoke(functionId: failing.id, body: payload) }
        XCTAssertEqual(failed?.httpStatus, 502)
        XCTAssertEqual(failed?.code, "FunctionInvokeExecutionFailed")
        XCTAssertEqual(failed?.attempts, 1, "a failed function is not invoked again")

        let missing = await serviceError { _ = try await invoker.invoke(functionId: "ocid1.fnfunc.oc1..none", body: payload) }
        XCTAssertEqual(missing?.httpStatus, 404)
    }

    func testPayloadOver6MBIsRefusedBeforeSending() async throws {
        let harness = try await EmulatorHarness()
        addTeardownBlock { await harness.stop() }
        let function = try await makeFunction(harness)
        let invoker = try harness.invoker()
        let limit = FunctionsInvokeClient.maxPayloadBytes
        XCTAssertEqual(limit, 6 * 1024 * 1024)
        let before = harness.requests.count
        do {
            _ = try await invoker.invoke(functionId: function.id, body: [UInt8](repeating: 0x61, count: limit + 1))
            XCTFail("expected the payload to be refused")
        } catch let error as ClientError {
            XCTAssertEqual(error.kind, .payloadTooLarge)
            XCTAssertTrue(error.description.contains("Object Storage"), error.description)
        }
        XCTAssertEqual(harness.requests.count, before, "nothing was sent")
        let atLimit = try await invoker.invoke(functionId: function.id, body: [UInt8](repeating: 0x61, count: limit))
        XCTAssertEqual(atLimit.body.count, limit)
    }

    /// Every call answered 429: each is tried 8 times with the backoff's waits, then reported.
    func testInjected429IsRetriedWithBackoffThenReported() async throws {
        let harness = try await EmulatorHarness(faults: FaultSettings(tooManyRequests: 1))
        addTeardownBlock { await harness.stop() }
        let function = try await makeFunction(harness)
        let time = FakeTime(random: 0.5)
        let invoker = try harness.invoker(environment: time.environment)
        let error = await serviceError { _ = try await invoker.invoke(functionId: function.id, body: [1]) }
        XCTAssertEqual(error?.httpStatus, 429)
        XCTAssertEqual(error?.code, "TooManyRequests")
        XCTAssertEqual(error?.attempts, 8)
        XCTAssertEqual(time.sleeps, [0.5, 1, 2, 4, 8, 15, 15].map { Duration.seconds($0) })
    }

    /// A share of calls answered 429, 500 or 503: 429 and 503 are retried until the call runs, 500 is reported at once.
    func testInjected429And503SharesAreRetried() async throws {
        let harness = try await EmulatorHarness(faults: FaultSettings(tooManyRequests: 0.3, serverErrors: 0.3, seed: 11))
        addTeardownBlock { await harness.stop() }
        let function = try await makeFunction(harness)
        let time = FakeTime(random: 0)
        let invoker = try harness.invoker(environment: time.environment)
        var succeeded = 0, retried = 0, reported500 = 0, extraAttempts = 0
        for i in 0..<40 {
            do {
                let result = try await invoker.invoke(functionId: function.id, body: Array("call \(i)".utf8))
                XCTAssertEqual(result.body, Array("call \(i)".utf8))
                succeeded += 1
                if result.attempts > 1 { retried += 1 }
                extraAttempts += result.attempts - 1
            } catch let error as ServiceError {
                XCTAssertEqual(error.httpStatus, 500, "only 500 is not retried: \(error)")
                XCTAssertEqual(error.code, "InternalServerError")
                reported500 += 1
                extraAttempts += error.attempts - 1
            }
        }
        XCTAssertEqual(succeeded + reported500, 40)
        XCTAssertGreaterThan(retried, 0)
        XCTAssertEqual(time.sleeps.count, extraAttempts, "one wait before every retry")
        let throttledOrBusy = harness.log.lines.filter { $0.hasPrefix("retrying POST") && ($0.contains("HTTP 429") || $0.contains("HTTP 503")) }
        XCTAssertEqual(throttledOrBusy.count, extraAttempts)
    }
}
