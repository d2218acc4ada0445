import Foundation
import OFEngine
import OFServices
import XCTest

/// The CLI (`oraclefn-cli`, built next to the test bundle): a client killed mid-job whose job a new process
/// collects, and `oraclefn hello`.
final class CommandLineTests: XCTestCase {
    /// `oraclefn-cli` beside the running test bundle, where `swift build` puts both.
    private static var cli: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("oraclefn-cli")
    }

    /// Runs the CLI to its end with a clean environment (no configuration to find) and returns its status and output.
    private func run(_ arguments: [String], in directory: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = Self.cli
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory]
        // A sanitized build's settings (scripts/sanitize.sh) apply to the CLI as to the tests.
        for (name, value) in ProcessInfo.processInfo.environment where name.hasSuffix("SAN_OPTIONS") {
            environment[name] = value
        }
        process.environment = environment
        // stderr goes to a file: with two pipes read one after the other, a child that fills the second (a long
        // report) while the first is read would never finish.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("oraclefn-cli-stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = errorHandle
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        let err = try Data(contentsOf: errorFile)
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    func testAClientKilledMidJobLosesNothingWhenAnotherProcessAttaches() async throws {
        let fixture = try await EngineFixture.start(concurrency: 8)
        addTeardownBlock { await fixture.stop() }
        let calls = 2_000
        let client = Process()
        client.executableURL = Self.cli
        client.arguments = [
            "map-job", "--config", fixture.configFile, "--function", fixture.worker.id, "--calls", String(calls),
            "--sleep-ms", "20", "--chunksize", "4", "--max-workers", "8",
        ]
        let output = Pipe()
        client.standardOutput = output
        client.standardError = FileHandle.nullDevice
        try client.run()
        // the first line names the job
        var firstLine = Data()
        while !firstLine.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            firstLine += chunk
        }
        let words = String(decoding: firstLine, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count >= 2, words[0] == "job" else { return XCTFail("map-job printed \(String(decoding: firstLine, as: UTF8.self))") }
        let jobId = String(words[1])

        // kill the client once part of the job has reported
        let storage = try Session(configuration: fixture.configuration).objects
        let statusPrefix = JobLayout(jobId: jobId).statusPrefix
        var reported = 0
        for _ in 0..<600 where reported < 200 {
            try await Task.sleep(for: .milliseconds(50))
            reported = try await storage.listObjects(bucket: EngineFixture.bucket, prefix: statusPrefix).objects.count
        }
        kill(client.processIdentifier, SIGKILL)
        client.waitUntilExit()
        XCTAssertEqual(client.terminationReason, .uncaughtSignal)
        XCTAssertGreaterThanOrEqual(reported, 200, "the client made too little progress to be killed mid-job")
        XCTAssertLessThan(reported, calls, "the client finished before it was killed; nothing was left to attach to")

        let engine = try fixture.engine()
        // the dispatch mark tells the new process which invocations the dead one never had accepted: those go out
        // at once, so the job ends long before the call timeout
        let job = try engine.attach(jobId: jobId, options: MapOptions(maxWorkers: 8, callTimeout: .seconds(180)))
        XCTAssertEqual(job.id, jobId)
        let jobFinished = await job.finished(within: .seconds(150))
        XCTAssertTrue(jobFinished, "the attached job did not finish before the call timeout: \(job.progress)")
        XCTAssertNil(job.error)
        assertEchoed(job, inputs: numberedInputs(calls))
        XCTAssertGreaterThan(job.stats.invocations, 0, "calls the killed client never sent are invoked by the attached job")
        print("attached after \(reported) statuses: \(job.stats)")
    }

    func testAttachingToAJobThatDoesNotExistSaysSo() async throws {
        let fixture = try await EngineFixture.start()
        addTeardownBlock { await fixture.stop() }
        let job = try fixture.engine().attach(jobId: "0123456789abcdef")
        let jobFinished = await job.finished(within: .seconds(30))
        XCTAssertTrue(jobFinished)
        XCTAssertEqual(job.error?.kind, .notFound)
        XCTAssertTrue(job.error?.message.contains("there is no job 0123456789abcdef") ?? false, job.error?.message ?? "")
    }

    func testAttachingToADamagedManifestFailsWithoutAllocatingForItsCount() async throws {
        let fixture = try await EngineFixture.start()
        addTeardownBlock { await fixture.stop() }
        let session = try Session(configuration: fixture.configuration)
        let jobId = "00000000000000d1"
        let layout = JobLayout(jobId: jobId)
        let namespace = try await session.objects.namespace()
        let manifest = JobManifest(
            jobId: jobId, functionId: fixture.worker.id, totalCalls: Int.max / 2, chunksize: 1, mode: .detached, created: 0,
            storage: StorageLocation(endpoint: fixture.emulator.url, namespace: namespace, bucket: EngineFixture.bucket, prefix: layout.prefix),
            inputs: StoredInputs(object: layout.inputs, offsets: [0, 1]))
        try await session.objects.putObject(bucket: EngineFixture.bucket, name: layout.manifest, body: .bytes(Array(try JSONEncoder().encode(manifest))))
        let job = try fixture.engine().attach(jobId: jobId)
        let jobFinished = await job.finished(within: .seconds(30))
        XCTAssertTrue(jobFinished)
        XCTAssertEqual(job.error?.kind, .service)
        XCTAssertTrue(job.error?.message.contains("is damaged: it says total_calls \(Int.max / 2)") ?? false, job.error?.message ?? "")
    }

    func testHelloRunsOnTheEmbeddedEmulatorWithoutAConfiguration() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oraclefn-hello-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (status, stdout, stderr) = try run(["hello"], in: directory)
        XCTAssertEqual(status, 0, stderr)
        let lines = stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 4, stdout)
        XCTAssertTrue(lines.first?.hasPrefix("Hello, world! Ran in function hello (ocid1.fnfunc.") ?? false, stdout)
        XCTAssertTrue(lines.last?.contains("at http://127.0.0.1:") ?? false, stdout)
        XCTAssertTrue(lines.last?.contains("the embedded emulator") ?? false, stdout)
    }

    func testHelloRunsAgainstTheConfiguredEndpointDeployingTheFunctionOnce() async throws {
        let fixture = try await EngineFixture.start()
        addTeardownBlock { await fixture.stop() }
        for _ in 0..<2 {
            let (status, stdout, stderr) = try run(["hello", "--config", fixture.configFile], in: fixture.directory)
            XCTAssertEqual(status, 0, stderr)
            XCTAssertTrue(stdout.contains("Hello, Oracle Functions!"), stdout)
            XCTAssertTrue(stdout.contains("at \(fixture.emulator.url) (configured in \(fixture.configFile))"), stdout)
        }
        let applications = try await fixture.functions.listApplications(displayName: "oraclefn-hello")
        XCTAssertEqual(applications.count, 1)
        let functions = try await fixture.functions.listFunctions(applicationId: applications[0].id)
        XCTAssertEqual(functions.map(\.displayName), ["hello"], "the second run found the function the first deployed")
    }

    func testHelloRefusesOtherBackendsAndBadConfigurationsWithStatus2() throws {
        let directory = FileManager.default.temporaryDirectory.path
        let backend = try run(["hello", "-b", "aws_lambda"], in: directory)
        XCTAssertEqual(backend.status, 2)
        XCTAssertTrue(backend.stderr.contains("oraclefn runs the oracle_f backend only"), backend.stderr)
        let config = try run(["hello", "--config", "/nonexistent/config.yaml"], in: directory)
        XCTAssertEqual(config.status, 2)
        XCTAssertTrue(config.stderr.contains("/nonexistent/config.yaml"), config.stderr)
        XCTAssertEqual(try run(["hello", "--no-such-flag"], in: directory).status, 2)
    }
}
