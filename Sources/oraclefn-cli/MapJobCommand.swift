import ArgumentParser
import Foundation
import OFConfig
import OFEngine

/// `oraclefn map-job` (not listed in the help): starts a detached job of the native worker (`oraclefn/worker`)
/// over generated inputs, prints `job <id>` at once, and waits for it. The engine's tests kill it mid-job and
/// collect the job from another process with `Engine.attach(jobId:)`.
struct MapJobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map-job",
        abstract: "Start a detached job of the native worker over generated inputs and wait for it (for tests).",
        shouldDisplay: false
    )

    @Option(name: .customLong("config"), help: "Lithops configuration file.")
    var configFile: String

    @Option(help: "The worker function: its OCID or its name.")
    var function: String

    @Option(help: "How many calls: input i is input-<i>.")
    var calls: Int

    @Option(help: "Milliseconds each call sleeps before answering.")
    var sleepMs = 0

    @Option(help: "Calls per invocation.")
    var chunksize = 1

    @Option(help: "Invocations running at once.")
    var maxWorkers = 8

    func run() async throws {
        let engine: Engine
        let job: MapJob
        do {
            engine = try Engine(configuration: try Configuration.load(path: configFile))
            let inputs = (0..<max(0, calls)).map { Array((sleepMs > 0 ? "!sleep \(sleepMs) input-\($0)" : "input-\($0)").utf8) }
            job = try engine.map(function: function, inputs: inputs, options: MapOptions(maxWorkers: maxWorkers, chunksize: chunksize))
        } catch {
            throw CLIFailure.usage("\(error)")
        }
        FileHandle.standardOutput.write(Data("job \(job.id)\n".utf8))
        await job.finished()
        let stats = job.stats
        FileHandle.standardOutput.write(Data("done: \(stats.succeeded) succeeded, \(stats.functionErrors + stats.failures) failed\n".utf8))
        if let error = job.error { throw CLIFailure.failed(error.message) }
        if stats.functionErrors + stats.failures > 0 { throw CLIFailure.failed("\(stats.functionErrors + stats.failures) calls failed") }
    }
}
