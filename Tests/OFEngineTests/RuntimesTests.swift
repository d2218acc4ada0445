import Foundation
import OFConfig
import OFEngine
import OFLocking
import OFServices
import XCTest

/// Runtimes, hello and log following against the emulator, and the naming they share with Lithops.
final class RuntimesTests: XCTestCase {
    // Set by the async setUp, read by the test and by tearDown, which XCTest runs on other threads and hands over
    // by ways ThreadSanitizer does not see: behind a lock, which it does.
    private let fixtureSlot = Locked<EngineFixture?>(nil)
    private var fixture: EngineFixture! {
        get { fixtureSlot.withLock { $0 } }
        set { fixtureSlot.withLock { $0 = newValue } }
    }

    override func setUp() async throws {
        fixture = try await EngineFixture.start()
    }

    override func tearDown() async throws {
        await fixture?.stop()
    }

    /// The fixture's configuration with `runtime` as oracle_f.runtime and an application of its own.
    private func configuration(runtime: String) throws -> Configuration {
        let text = try String(contentsOfFile: fixture.configFile, encoding: .utf8)
            .replacingOccurrences(of: "\noracle_f:\n", with: "\noracle_f:\n  runtime: \(runtime)\n  application_name: runtimes-tests\n")
        let path = fixture.directory + "/runtime_config.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try Configuration.load(path: path)
    }

    func testFunctionNamesImagesAndTheApplicationFollowLithops() throws {
        let naming = RuntimeNaming(configuration: fixture.configuration, namespace: "ns", version: "0.1.0")
        let valid = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/config/valid.yaml").path
        let lithops = RuntimeNaming(configuration: try Configuration.load(path: valid), namespace: "ns", version: "0.1.0")
        // Python's hashlib.sha1(b"iad.ocir.io/ns/oraclefn-python-v312:latest-256-0.1.0-ocid1.user.oc1..aaaaaaaatestuser")
        XCTAssertEqual(lithops.functionName(image: "iad.ocir.io/ns/oraclefn-python-v312:latest", memory: 256),
                       "lithops-worker-oraclefn-python-v312-latest-v0-1-0-3c882302eb")
        XCTAssertEqual(naming.image(of: "my-runtime"), "\(fixture.configuration.functions.dockerServer)/ns/my-runtime:latest")
        XCTAssertEqual(naming.image(of: "phx.ocir.io/other/img:2"), "phx.ocir.io/other/img:2")
        XCTAssertEqual(RuntimeNaming.defaultApplicationName(user: "ocid1.user.oc1..aaaaaaaatestuser"), "lithops_testuse")
        XCTAssertEqual(naming.tags(runtime: "r"), ["type": "lithops-runtime", "lithops_version": "0.1.0", "oraclefn_runtime": "r"])
    }

    func testHelloUsesTheEmulatorsHelloFunctionUntilTheRuntimeIsDeployed() async throws {
        let runtimes = try await Runtimes.open(session: try Session(configuration: try configuration(runtime: "oraclefn/worker")))
        XCTAssertTrue(runtimes.isEmulator)
        let engine = try Engine(configuration: runtimes.configuration)

        let before = try await runtimes.hello(engine: engine, python: "3.12", names: ["Ana", "Bo"])
        XCTAssertEqual(before.function, "hello")
        XCTAssertNil(before.runtime)
        XCTAssertEqual(before.failures, [])
        XCTAssertEqual(before.greetings.map { $0.prefix(while: { $0 != "!" }) }, ["Hello, Ana", "Hello, Bo"])

        let (name, image) = runtimes.runtime(nil, python: "3.12")
        XCTAssertEqual(name, "oraclefn/worker")
        let deployed = try await runtimes.deploy(runtime: name, image: image, memory: 256, timeout: 30)
        XCTAssertEqual(deployed.metadata?.worker, "native")
        XCTAssertEqual(deployed.state, "ACTIVE")
        XCTAssertEqual(deployed.function, runtimes.naming.functionName(image: "oraclefn/worker:latest", memory: 256))

        let after = try await runtimes.hello(engine: engine, python: "3.12")
        XCTAssertEqual(after.runtime, "oraclefn/worker")
        XCTAssertEqual(after.function, deployed.function)
        XCTAssertEqual(after.greetings.count, Runtimes.helloNames.count)
        XCTAssertTrue(after.greetings[2].hasPrefix("Hello, Oracle Functions! Ran in function \(deployed.function) (\(deployed.functionId)), application runtimes-tests, 256 MB"), after.greetings[2])

        let listed = try await runtimes.list()
        XCTAssertEqual(listed.map(\.function), [deployed.function])
        let matching = try await runtimes.deployed(image: image, memory: 256)
        XCTAssertEqual(matching.map(\.id), [deployed.functionId])
        try await runtimes.delete(matching)
        let left = try await runtimes.list()
        XCTAssertEqual(left.count, 0)
    }

    func testHelloOnOracleFunctionsWithoutTheRuntimeSaysToDeployIt() async throws {
        let opened = try await Runtimes.open(session: try Session(configuration: try configuration(runtime: "oraclefn/worker")))
        // the same service taken for Oracle Functions: no built-in hello function to fall back on
        let oci = Runtimes(configuration: opened.configuration, management: opened.management, invoker: opened.invoker, namespace: "ns", isEmulator: false)
        do {
            _ = try await oci.hello(engine: try Engine(configuration: oci.configuration), python: "3.12")
            XCTFail("hello without a deployed runtime on Oracle Functions succeeded")
        } catch let error as EngineError {
            XCTAssertEqual(error.kind, .notFound)
            XCTAssertTrue(error.message.contains("the runtime oraclefn/worker (image oraclefn/worker:latest, 256 MB) is not deployed in application runtimes-tests"), error.message)
            XCTAssertTrue(error.message.contains("`oraclefn runtime build` and `oraclefn runtime deploy` first"), error.message)
        }
    }

    func testALogFollowerReadsEachLineOnce() async throws {
        let runtimes = try await Runtimes.open(session: try Session(configuration: fixture.configuration))
        let engine = try Engine(configuration: fixture.configuration)
        let logs = try Session(configuration: fixture.configuration).logs
        _ = try await runtimes.hello(engine: engine, python: "3.12", names: ["first"])
        let follower = try FunctionLogs.follower(
            configuration: fixture.configuration, logs: logs, isEmulator: true, functionId: nil, start: Date().addingTimeInterval(-60))
        let first = try await follower.next().filter { $0.message.hasPrefix("hello: greeting ") }
        XCTAssertEqual(first.count, 1)
        XCTAssertTrue(first.first?.message.hasPrefix("hello: greeting first for call ") ?? false, "\(first)")
        XCTAssertEqual(first.first?.stream, "stdout")
        let again = try await follower.next()
        XCTAssertEqual(again, [], "each line is read once")
        _ = try await runtimes.hello(engine: engine, python: "3.12", names: ["second"])
        let second = try await follower.next().map(\.message)
        XCTAssertEqual(second.count, 1)
        XCTAssertTrue(second.first?.hasPrefix("hello: greeting second for call ") ?? false, "\(second)")
    }

    func testLogFollowersOnOracleFunctionsNeedTheLogKeys() throws {
        let logs = try Session(configuration: fixture.configuration).logs
        XCTAssertThrowsError(try FunctionLogs.follower(
            configuration: fixture.configuration, logs: logs, isEmulator: false, functionId: nil, start: Date())) { error in
            XCTAssertEqual((error as? EngineError)?.kind, .configuration)
            XCTAssertTrue("\(error)".contains("set log_group_id and log_id in the oracle_f section"), "\(error)")
        }
    }

    func testLogStartTakesAgesEpochSecondsAndRFC3339() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        XCTAssertEqual(LogStart.parse("30s", now: now), now.addingTimeInterval(-30))
        XCTAssertEqual(LogStart.parse("2h", now: now), now.addingTimeInterval(-7200))
        XCTAssertEqual(LogStart.parse("1d", now: now), now.addingTimeInterval(-86_400))
        XCTAssertEqual(LogStart.parse("1700000000", now: now), Date(timeIntervalSince1970: 1_700_000_000))
        XCTAssertEqual(LogStart.parse("2026-06-02T10:20:30Z", now: now), Date(timeIntervalSince1970: 1_780_395_630))
        XCTAssertNil(LogStart.parse("yesterday", now: now))
        XCTAssertNil(LogStart.parse("-5m", now: now))
    }

    func testLogStartRefusesTimesNoLogHolds() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for since in ["inf", "nan", "-inf", "1e400", "infd", "nand", "-1", "1e300", "253402300800", "0000-01-01T00:00:00Z"] {
            XCTAssertNil(LogStart.parse(since, now: now), since)
        }
        XCTAssertEqual(LogStart.parse("99999999999999999999d", now: now), Date(timeIntervalSince1970: 0), "an age past 1970 starts there")
        XCTAssertEqual(LogStart.parse("0", now: now), Date(timeIntervalSince1970: 0))
    }
}
