// hello: a small map job that checks a set-up end to end, as `lithops hello` does.
import FoundationEssentials
import OFConfig
import OFServices

/// What a hello run reports: each greeting (in the order of the names), the function that gave them and where.
public struct HelloReport: Codable, Sendable {
    public var greetings: [String]
    /// What went wrong with the calls that did not greet, one line each.
    public var failures: [String]
    /// The runtime greeted through; nil for the emulator's hello function.
    public var runtime: String?
    public var function: String
    public var functionId: String
    public var endpoint: String
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case greetings, failures, runtime, function, endpoint, seconds
        case functionId = "function_id"
    }
}

/// Where the greetings come from: the deployed runtime's worker, answering hello requests (docs/protocol.md,
/// "Hello"); else on an emulator its built-in hello function, answering names.
enum Greeter {
    case runtime(Function, name: String)
    case helloFunction(Function)

    /// The emulator's hello function and where it is made when missing.
    static let applicationName = "oraclefn-hello"
    static let functionName = "hello"
    static let image = "oraclefn/hello"

    var function: Function {
        switch self {
        case .runtime(let function, _), .helloFunction(let function): function
        }
    }

    private struct HelloRequest: Encodable {
        let oraclefn = JobProtocol.version
        let hello: String
    }

    private struct HelloAnswer: Decodable {
        let greeting: String
    }

    /// The body of the call that greets `name`.
    func request(_ name: String) -> [UInt8] {
        switch self {
        case .runtime: (try? JSONEncoder().encode(HelloRequest(hello: name))).map(Array.init) ?? []
        case .helloFunction: Array(name.utf8)
        }
    }

    /// The greeting in a call's answer, nil when the answer is none.
    func greeting(_ answer: [UInt8]) -> String? {
        switch self {
        case .runtime: (try? JSONDecoder().decode(HelloAnswer.self, from: Data(answer)))?.greeting
        case .helloFunction: String(String(decoding: answer, as: UTF8.self).reversed().drop(while: \.isWhitespace).reversed())
        }
    }
}

extension Runtimes {
    /// The names `hello` greets.
    public static let helloNames = ["world", "Lithops", "Oracle Functions"]

    /// Greets each name through the engine: in the runtime oracle_f.runtime (else the default Python runtime of
    /// `python`) when it is deployed, as `lithops hello` runs in the configured runtime; else, on an emulator,
    /// through its hello function (made when missing). Fails with `.notFound` on Oracle Functions when the
    /// runtime is not deployed. Calls that fail are in the report's failures.
    public func hello(engine: Engine, python: String, names: [String] = Runtimes.helloNames) async throws -> HelloReport {
        let greeter = try await greeter(python: python)
        let job = try engine.map(
            function: greeter.function.id, inputs: names.map(greeter.request),
            options: MapOptions(mode: .sync, format: .rawBody, maxWorkers: max(1, names.count)))
        await job.finished()
        var greetings: [String] = []
        var failures: [String] = []
        for result in job.results ?? [] {
            let call = "call \(result.callId) (\(names[result.index]))"
            switch result.outcome {
            case .value(let bytes):
                if let greeting = greeter.greeting(bytes) {
                    greetings.append(greeting)
                } else {
                    let start = String(decoding: bytes.prefix(200), as: UTF8.self)
                    failures.append("\(call): the function answered \"\(start)\", not a greeting: its worker predates the hello request; build and deploy the runtime again (`oraclefn runtime build`, `oraclefn runtime deploy`)")
                }
            case .functionError(let error):
                failures.append("\(call): the function failed: \(error)")
            case .failure(let reason):
                failures.append("\(call): \(reason)")
            }
        }
        var runtime: String?
        if case .runtime(_, let name) = greeter { runtime = name }
        return HelloReport(
            greetings: greetings, failures: failures, runtime: runtime, function: greeter.function.displayName,
            functionId: greeter.function.id, endpoint: Endpoints(configuration: configuration).functions, seconds: job.stats.duration)
    }

    func greeter(python: String) async throws -> Greeter {
        let memory = configuration.functions.runtimeMemory
        let (runtime, image) = self.runtime(nil, python: python)
        let deployed: Function?
        do {
            deployed = try await deployedFunction(image: image, memory: memory)
        } catch {
            throw EngineError(error, while: "looking for the runtime \(runtime) in application \(applicationName)")
        }
        if let deployed {
            do {
                let active = deployed.lifecycleState == "ACTIVE" ? deployed : try await management.waitForFunction(id: deployed.id)
                return .runtime(active, name: runtime)
            } catch {
                throw EngineError(error, while: "waiting for the runtime \(runtime) (function \(deployed.displayName)) to be ACTIVE")
            }
        }
        guard isEmulator else {
            throw EngineError(.notFound, "the runtime \(runtime) (image \(image), \(memory) MB) is not deployed in application \(applicationName): run `oraclefn runtime build` and `oraclefn runtime deploy` first, then hello greets through it")
        }
        do {
            return .helloFunction(try await helloFunction())
        } catch {
            throw EngineError(error, while: "finding or deploying the emulator's hello function")
        }
    }

    /// The emulator's hello function in its own application, made when missing.
    private func helloFunction() async throws -> Function {
        let application = try await application(named: Greeter.applicationName)
        return try await management.deployFunction(CreateFunctionDetails(
            applicationId: application.id, displayName: Greeter.functionName, image: Greeter.image, memoryInMBs: 128, timeoutInSeconds: 30))
    }
}
