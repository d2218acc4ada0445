import ArgumentParser
import Foundation
import OFConfig
import OFEmulator
import OFEngine
import OFServices

/// `oraclefn hello`: a small map job on the hello function, as `lithops hello` checks a set-up. With no
/// configuration it runs on the embedded emulator, so it works on a fresh machine.
struct HelloCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hello",
        abstract: "Run a small map job on the hello function and print the greetings and where they ran.",
        discussion: """
            With a configuration (--config, or found as Lithops finds it: LITHOPS_CONFIG_FILE, ./.lithops_config,
            ~/.lithops/config, /etc/lithops/config) it runs against the configured Oracle Functions endpoint, in the
            runtime oracle_f.runtime (else the default Python runtime) as `lithops hello` does: deploy it first with
            `oraclefn runtime build` and `oraclefn runtime deploy`. On an emulator with no runtime deployed it uses
            the emulator's function hello (image oraclefn/hello) in the application oraclefn-hello, made when
            missing. With no configuration it starts the embedded emulator on 127.0.0.1 for the duration of the
            command.
            Exit status: 0 when every greeting came back, 1 when the function or the job failed, 2 for bad usage or
            a configuration that cannot be used, 3 when the runtime is not deployed, 4 when the service cannot be
            reached.
            """
    )

    /// -c/--config, -b oracle_f, -s oracle_oss and -d, as `lithops hello` takes them.
    @OptionGroup var config: ConfigOptions

    func run() async throws {
        if let path = config.configFile ?? Configuration.locate() {
            try await Self.greet(configuration: try config.load(), place: "configured in \(path)")
        } else {
            try await Self.greetOnEmbeddedEmulator()
        }
    }

    /// Starts the emulator with a generated key and configuration, greets there, and stops it.
    static func greetOnEmbeddedEmulator() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oraclefn-hello-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let emulator: Emulator
        let configuration: Configuration
        do {
            let setup = try GeneratedSetup(directory: directory)
            let options = EmulatorOptions(trustedKeys: [setup.keyId: setup.publicKey])
            emulator = Emulator(options: options)
            _ = try await emulator.start()
            try setup.writeConfiguration(url: emulator.url, namespace: options.namespace)
            configuration = try Configuration.load(path: setup.configFile)
        } catch {
            throw CLIFailure.failed("the embedded emulator could not start: \(error)")
        }
        do {
            try await greet(configuration: configuration, place: "the embedded emulator; no configuration was found")
        } catch {
            await emulator.stop()
            throw error
        }
        await emulator.stop()
    }

    /// Greets through the engine (`Runtimes.hello`) and prints the greetings and where they ran.
    static func greet(configuration: Configuration, place: String) async throws {
        let setup = try await RuntimeSetup(configuration: configuration)
        let engine: Engine
        do {
            engine = try Engine(session: setup.session.session)
        } catch {
            throw CLIFailure.usage("\(error)")
        }
        let report = try await CLIFailure.reporting("saying hello") {
            try await setup.runtimes.hello(engine: engine, python: PythonOption.resolve(nil))
        }
        report.greetings.forEach { print($0) }
        let seconds = String(format: "%.2f", report.seconds)
        print("\(report.greetings.count + report.failures.count) calls of function \(report.function) (\(report.functionId)) at \(report.endpoint) (\(place)) in \(seconds) s")
        guard report.failures.isEmpty else {
            throw CLIFailure.failed(report.failures.joined(separator: "\n"))
        }
    }
}
