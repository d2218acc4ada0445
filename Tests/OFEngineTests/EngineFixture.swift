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

    let emulator: Emulator
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
        let emulator = Emulator(options: options)
        _ = try await emulator.start()
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
                applicationId: application.id, displayName: "worker", image: "oraclefn/worker:1", memoryInMBs: 128, timeoutInSeconds: timeoutInSeconds))
            return EngineFixture(
                emulator: emulator, setup: setup, directory: directory, configuration: configuration, configFile: configFile,
                functions: functions, worker: worker)
        } catch {
            await emulator.stop()
            throw error
        }
    }

    private init(
        emulator: Emulator, setup: GeneratedSetup, directory: String, configuration: Configuration, configFile: String,
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
