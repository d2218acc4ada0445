import Foundation
import OFConfig
import OFEmulator
import OFEngine
import OFServices
import XCTest

/// An emulator on loopback with a generated key and configuration, a bucket for jobs, and the native worker
/// deployed as a function: what the engine's integration tests run against.
final class EngineFixture: @unchecked Sendable {
    static let bucket = "oraclefn-jobs"

    let emulator: FixtureEmulator
    let setup: GeneratedSetup
    let directory: String
    let configuration: Configuration
    let configFile: String
    let functions: FunctionsManagementClient
    /// The `oraclefn/worker` function.
    let worker: Function

    /// `faults` apply to invokes; `concurrency` caps each function's concurrent calls.
    static func start(faults: FaultSettings = .none, concurrency: Int = 32, timeoutInSeconds: Int = 30) async throws -> EngineFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oraclefn-engine-\(UUID().uuidString.prefix(8))").path
        let setup = try GeneratedSetup(directory: directory)
        var options = EmulatorOptions(trustedKeys: [setup.keyId: setup.publicKey])
        options.faults = faults
        options.runner = RunnerSettings(maxConcurrentCalls: concurrency)
        let emulator = try await FixtureEmulator.start(options: options, setup: setup, concurrencyMB: concurrency * workerMemoryInMBs)
        do {
            try setup.writeConfiguration(url: emulator.url, namespace: options.namespace)
            let configFile = directory + "/engine_config.yaml"
            let text = try String(contentsOfFile: setup.configFile, encoding: .utf8)
                .replacingOccurrences(of: "oracle_oss:\n", with: "oracle_oss:\n  storage_bucket: \(bucket)\n")
            try text.write(toFile: configFile, atomically: true, encoding: .utf8)
            let configuration = try Configuration.load(path: configFile)
            let session = try Session(configuration: configuration)
            _ = try await session.objects.createBucket(bucket)
            let functions = session.functions
            let application = try await functions.createApplication(displayName: "engine-tests")
            let worker = try await functions.createFunction(CreateFunctionDetails(
                applicationId: application.id, displayName: "worker", image: "oraclefn/worker:1", memoryInMBs: workerMemoryInMBs,
                timeoutInSeconds: timeoutInSeconds))
            return EngineFixture(
                emulator: emulator, setup: setup, directory: directory, configuration: configuration, configFile: configFile,
                functions: functions, worker: worker)
        } catch {
            await emulator.stop()
            throw error
        }
    }

    private static let workerMemoryInMBs = 128

    private init(
        emulator: FixtureEmulator, setup: GeneratedSetup, directory: String, configuration: Configuration, configFile: String,
        functions: FunctionsManagementClient, worker: Function
    ) {
        self.emulator = emulator
        self.setup = setup
        self.directory = directory
        self.configuration = configuration
        self.configFile = configFile
        self.functions = functions
        self.worker = worker
    }

    func stop() async {
        await emulator.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func engine() throws -> Engine {
        try Engine(configuration: configuration)
    }
}

/// The emulator a fixture runs: in this process, or, with ORACLEFN_TEST_EMULATOR set to an `oraclefn-cli`, as that
/// tool's `emulator` in a process of its own. scripts/sanitize.sh thread sets it to an ordinary build, so that
/// ThreadSanitizer watches the engine and the transport, not the emulator's NIO and Hummingbird tasks, whose
/// hand-offs between threads it cannot follow (docs/sanitizers.md).
enum FixtureEmulator: Sendable {
    case inProcess(Emulator)
    case process(Process, url: String)

    /// `concurrencyMB` is the process's `--concurrency-mb`: the limit `options.runner` sets, in memory.
    static func start(options: EmulatorOptions, setup: GeneratedSetup, concurrencyMB: Int) async throws -> FixtureEmulator {
        guard let cli = ProcessInfo.processInfo.environment["ORACLEFN_TEST_EMULATOR"], !cli.isEmpty else {
            let emulator = Emulator(options: options)
            _ = try await emulator.start()
            return .inProcess(emulator)
        }
        // It trusts the key of the configuration given with --config; the URL in it is rewritten once known.
        try setup.writeConfiguration(url: "http://127.0.0.1:1", namespace: options.namespace)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cli)
        process.arguments = [
            "emulator", "--port", "0", "--config", setup.configFile, "--namespace", options.namespace,
            "--concurrency-mb", String(concurrencyMB),
            "--faults", faultSpec(options.faults),
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // its first line: "listening on http://127.0.0.1:PORT"
        var line = [UInt8]()
        while let byte = try output.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") {
            line.append(byte)
        }
        let first = String(decoding: line, as: UTF8.self)
        guard first.hasPrefix("listening on "), let url = first.split(separator: " ").last else {
            process.terminate()
            throw FixtureError("\(cli) emulator did not start; it printed \(first.debugDescription)")
        }
        // what it prints later is not needed: read on, so that it never blocks on a full pipe
        output.fileHandleForReading.readabilityHandler = { handle in
            if handle.availableData.isEmpty { handle.readabilityHandler = nil }
        }
        return .process(process, url: String(url))
    }

    var url: String {
        switch self {
        case .inProcess(let emulator): emulator.url
        case .process(_, let url): url
        }
    }

    func stop() async {
        switch self {
        case .inProcess(let emulator):
            await emulator.stop()
        case .process(let process, _):
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// FaultSettings as `--faults` takes them.
    private static func faultSpec(_ faults: FaultSettings) -> String {
        let rates = [("429", faults.tooManyRequests), ("5xx", faults.serverErrors), ("kill", faults.killedHandlers),
                     ("drop", faults.droppedConnections)]
        var parts = rates.filter { $0.1 > 0 }.map { "\($0.0)=\($0.1)" }
        if faults.latency > .zero {
            parts.append("latency=\(faults.latency.components.seconds * 1000 + faults.latency.components.attoseconds / 1_000_000_000_000_000)ms")
        }
        parts.append("seed=\(faults.seed)")
        return parts.joined(separator: ",")
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `count` inputs `input-<i>`, so each echoed result names its own index.
func numberedInputs(_ count: Int) -> [[UInt8]] {
    (0..<count).map { Array("input-\($0)".utf8) }
}

/// Checks that every result is the echo of its own input, in input order, each counted once.
func assertEchoed(_ job: MapJob, inputs: [[UInt8]], file: StaticString = #filePath, line: UInt = #line) {
    guard let results = job.results else { return XCTFail("the job has no results", file: file, line: line) }
    XCTAssertEqual(results.count, inputs.count, file: file, line: line)
    XCTAssertEqual(results.map(\.index), Array(inputs.indices), "results are not in input order", file: file, line: line)
    let wrong = results.filter { $0.outcome != .value(inputs[$0.index]) }
    XCTAssertTrue(wrong.isEmpty, "\(wrong.count) results are not their input's echo, e.g. \(wrong.prefix(3).map { "\($0.index): \($0.outcome)" })", file: file, line: line)
    let stats = job.stats
    XCTAssertEqual(stats.succeeded, inputs.count, file: file, line: line)
    XCTAssertEqual(stats.failures + stats.functionErrors, 0, file: file, line: line)
    XCTAssertEqual(job.progress, JobProgress(done: inputs.count, failed: 0, total: inputs.count), file: file, line: line)
}
