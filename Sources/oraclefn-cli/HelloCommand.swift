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
            the emulator's function \(functionName) (image \(image)) in the application \(applicationName), made when
            missing. With no configuration it starts the embedded emulator on 127.0.0.1 for the duration of the
            command.
            Exit status: 0 when every greeting came back, 1 when the function or the job failed, 2 for bad usage or
            a configuration that cannot be used, 3 when the runtime is not deployed, 4 when the service cannot be
            reached.
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

    /// Where the greetings come from: the deployed runtime's worker (answering hello requests), else on an
    /// emulator its built-in hello function (answering names).
    enum Greeter {
        case runtime(Function, name: String)
        case helloFunction(Function)

        var function: Function {
            switch self {
            case .runtime(let function, _), .helloFunction(let function): function
            }
        }

        /// docs/protocol.md, "Hello".
        private struct HelloRequest: Encodable {
            let oraclefn = JobProtocol.version
            let hello: String
        }

        /// The body of the call that greets `name`.
        func request(_ name: String) -> [UInt8] {
            switch self {
            case .runtime:
                Array((try? JSONEncoder().encode(HelloRequest(hello: name))) ?? Data())
            case .helloFunction:
                Array(name.utf8)
            }
        }

        /// The greeting in a call's answer.
        func greeting(_ answer: [UInt8]) throws(CLIFailure) -> String {
            switch self {
            case .runtime(let function, let runtime):
                struct Answer: Decodable { let greeting: String }
                guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(answer)) else {
                    let start = String(decoding: answer.prefix(200), as: UTF8.self)
                    throw .failed("the runtime \(runtime) (function \(function.displayName)) answered the hello request with \"\(start)\", not a greeting: its worker predates the hello request; deploy it again with `oraclefn runtime build` and `oraclefn runtime deploy`")
                }
                return answer.greeting
            case .helloFunction:
                return String(decoding: answer, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
    }

    /// The runtime `oracle_f.runtime` (else the default Python runtime) when it is deployed, as `lithops hello`
    /// runs in the configured runtime; else on an emulator its hello function, made when missing.
    static func greeter(_ setup: RuntimeSetup) async throws(CLIFailure) -> Greeter {
        let functions = setup.session.configuration.functions
        let (runtime, image) = setup.runtime(nil, python: PythonOption.resolve(nil))
        let deployed = try await CLIFailure.reporting("looking for the runtime \(runtime) in application \(setup.applicationName)") {
            try await setup.deployer.deployedFunction(image: image, memory: functions.runtimeMemory)
        }
        if let deployed {
            let active = try await CLIFailure.reporting("waiting for the runtime \(runtime) (function \(deployed.displayName)) to be ACTIVE") {
                deployed.lifecycleState == "ACTIVE" ? deployed : try await setup.session.management.waitForFunction(id: deployed.id)
            }
            return .runtime(active, name: runtime)
        }
        guard setup.isEmulator else {
            throw .notFound("the runtime \(runtime) (image \(image), \(functions.runtimeMemory) MB) is not deployed in application \(setup.applicationName): run `oraclefn runtime build` and `oraclefn runtime deploy` first, then `oraclefn hello` greets through it")
        }
        return .helloFunction(try await CLIFailure.reporting("finding or deploying the hello function") {
            try await helloFunction(setup.session.management)
        })
    }

    /// Maps the greeter over a few names through the engine, prints the greetings and where they ran.
    static func greet(configuration: Configuration, place: String) async throws {
        let setup = try await RuntimeSetup(configuration: configuration)
        let engine: Engine
        do {
            engine = try Engine(configuration: configuration)
        } catch {
            throw CLIFailure.usage("\(error)")
        }
        let greeter = try await greeter(setup)
        let job: MapJob
        do {
            job = try engine.map(
                function: greeter.function.id, inputs: names.map(greeter.request),
                options: MapOptions(mode: .sync, format: .rawBody, maxWorkers: names.count))
        } catch {
            throw CLIFailure.usage(error.description)
        }
        await job.finished()
        var failures: [String] = []
        for result in job.results ?? [] {
            switch result.outcome {
            case .value(let bytes):
                do {
                    print(try greeter.greeting(bytes))
                } catch {
                    failures.append("call \(result.callId) (\(names[result.index])): \(error)")
                }
            case .functionError(let error):
                failures.append("call \(result.callId) (\(names[result.index])): the function failed: \(error)")
            case .failure(let reason):
                failures.append("call \(result.callId) (\(names[result.index])): \(reason)")
            }
        }
        let endpoint = Endpoints(configuration: configuration).functions
        let seconds = String(format: "%.2f", job.stats.duration)
        let function = greeter.function
        print("\(names.count) calls of function \(function.displayName) (\(function.id)) at \(endpoint) (\(place)) in \(seconds) s")
        guard failures.isEmpty else {
            throw CLIFailure.failed(failures.joined(separator: "\n"))
        }
    }

    /// The hello function of the hello application, made when missing.
    static func helloFunction(_ management: FunctionsManagementClient) async throws -> Function {
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
