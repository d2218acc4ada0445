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
            ~/.lithops/config, /etc/lithops/config) it runs against the configured Oracle Functions endpoint,
            deploying the function \(functionName) (image \(image)) in the application \(applicationName) when it is
            missing. With none it starts the embedded emulator on 127.0.0.1 for the duration of the command.
            Exit status: 0 when every greeting came back, 1 when the function or the job failed, 2 for bad usage or
            a configuration that cannot be used.
            """
    )

    static let applicationName = "oraclefn-hello"
    static let functionName = "hello"
    static let image = "oraclefn/hello"
    static let names = ["world", "Lithops", "Oracle Functions"]

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

    /// Finds or deploys the hello function, maps it over a few names, prints the greetings and where they ran.
    static func greet(configuration: Configuration, place: String) async throws {
        let engine: Engine
        let management: FunctionsManagementClient
        do {
            engine = try Engine(configuration: configuration)
            management = FunctionsManagementClient(configuration: configuration, service: try ServiceClient(configuration: configuration, section: .functions))
        } catch {
            throw CLIFailure.usage("\(error)")
        }
        let function: Function
        do {
            function = try await deployedFunction(management)
        } catch {
            throw CLIFailure.failed("the hello function could not be found or deployed: \(error)")
        }
        let job: MapJob
        do {
            job = try engine.map(
                function: function.id, inputs: names.map { Array($0.utf8) }, options: MapOptions(mode: .sync, format: .rawBody, maxWorkers: names.count))
        } catch {
            throw CLIFailure.usage(error.description)
        }
        await job.finished()
        var failures: [String] = []
        for result in job.results ?? [] {
            switch result.outcome {
            case .value(let bytes):
                print(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            case .functionError(let error):
                failures.append("call \(result.callId) (\(names[result.index])): the function failed: \(error)")
            case .failure(let reason):
                failures.append("call \(result.callId) (\(names[result.index])): \(reason)")
            }
        }
        let endpoint = Endpoints(configuration: configuration).functions
        let seconds = String(format: "%.2f", job.stats.duration)
        print("\(names.count) calls of function \(function.displayName) (\(function.id)) at \(endpoint) (\(place)) in \(seconds) s")
        guard failures.isEmpty else {
            throw CLIFailure.failed(failures.joined(separator: "\n"))
        }
    }

    /// The hello function of the hello application, made when missing.
    static func deployedFunction(_ management: FunctionsManagementClient) async throws -> Function {
        var application = try await management.listApplications(displayName: applicationName).first
        if application == nil {
            application = try await management.createApplication(displayName: applicationName)
        }
        guard let application else { throw CLIFailure.failed("the application \(applicationName) could not be made") }
        if application.lifecycleState != "ACTIVE" {
            _ = try await management.waitForApplication(id: application.id)
        }
        var function = try await management.listFunctions(applicationId: application.id, displayName: functionName).first
        if function == nil {
            function = try await management.createFunction(CreateFunctionDetails(
                applicationId: application.id, displayName: functionName, image: image, memoryInMBs: 128, timeoutInSeconds: 30))
        }
        guard let function else { throw CLIFailure.failed("the function \(functionName) could not be made") }
        return function.lifecycleState == "ACTIVE" ? function : try await management.waitForFunction(id: function.id)
    }
}
