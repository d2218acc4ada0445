import Foundation
import OFConfig
import OFEmulator
import OFServices
import OFTransport
import XCTest

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let validConfig = root.appendingPathComponent("config/valid.yaml").path
    static let encryptedConfig = root.appendingPathComponent("config/valid-encrypted.yaml").path

    /// A fixture configuration with both services sent to `endpoint`, plus `extra` keys per section.
    static func configuration(path: String = validConfig, endpoint: String, extra: [String: [(String, ConfigValue)]] = [:]) throws -> Configuration {
        var sections: [(String, ConfigValue)] = []
        for section in ["oracle_f", "oracle_oss"] {
            sections.append((section, .map([("endpoint", .string(endpoint))] + (extra[section] ?? []))))
        }
        for (section, keys) in extra where !["oracle_f", "oracle_oss"].contains(section) {
            sections.append((section, .map(keys)))
        }
        return try Configuration.load(path: path, overrides: .map(sections))
    }
}

/// An in-process emulator trusting the fixture key, and clients configured for it.
final class EmulatorHarness: @unchecked Sendable {
    let emulator: Emulator
    let configuration: Configuration
    let log = LogCapture()

    init(configPath: String = Fixtures.validConfig, faults: FaultSettings = .none, extra: [String: [(String, ConfigValue)]] = [:]) async throws {
        let trusting = try Configuration.load(path: configPath)
        var options = EmulatorOptions(trustedKeys: try TrustedKeys.from(trusting))
        options.faults = faults
        emulator = Emulator(options: options)
        let port = try await emulator.start()
        configuration = try Fixtures.configuration(path: configPath, endpoint: "http://127.0.0.1:\(port)", extra: extra)
    }

    func stop() async { await emulator.stop() }

    var logger: Logger {
        let log = self.log
        return Logger(level: .debug) { _, line in log.append(line) }
    }

    func service(_ section: ServiceSection, environment: RetryingExecutor.Environment = .live) throws -> ServiceClient {
        let session = try Session(configuration: configuration, logger: logger, environment: environment)
        return section == .functions ? session.functionsService : session.storageService
    }

    func storage(multipart: MultipartSettings = MultipartSettings()) throws -> ObjectStorageClient {
        ObjectStorageClient(configuration: configuration, service: try service(.storage), multipart: multipart)
    }

    func management(environment: RetryingExecutor.Environment = .live) throws -> FunctionsManagementClient {
        FunctionsManagementClient(configuration: configuration, service: try service(.functions, environment: environment))
    }

    func invoker(environment: RetryingExecutor.Environment = .live) throws -> FunctionsInvokeClient {
        FunctionsInvokeClient(configuration: configuration, management: try management(environment: environment))
    }

    /// Requests that reached the transport, as "METHOD URL" from the debug log.
    var requests: [String] {
        log.lines.filter { $0.hasPrefix("→ ") }.map { String($0.dropFirst(2).prefix { $0 != "[" }).trimmingCharacters(in: .whitespaces) }
    }
}

/// Lines logged, collected for assertions.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.withLock { stored } }
    func append(_ line: String) { lock.withLock { stored.append(line) } }
}

/// Sleeps that return at once and move a fake clock; fixed randomness.
final class FakeTime: @unchecked Sendable {
    private let lock = NSLock()
    private var elapsed: Duration = .zero
    private var slept: [Duration] = []
    let random: Double

    init(random: Double = 0.5) { self.random = random }

    var sleeps: [Duration] { lock.withLock { slept } }

    var environment: RetryingExecutor.Environment {
        RetryingExecutor.Environment(
            now: { self.lock.withLock { self.elapsed } }, epochSeconds: { Int(Date().timeIntervalSince1970) },
            sleep: { d in
                self.lock.withLock {
                    self.slept.append(d)
                    self.elapsed += d
                }
            },
            random: { self.random })
    }
}

/// Expects `body` to throw a ServiceError and returns it.
func serviceError(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async -> ServiceError? {
    do {
        try await body()
        XCTFail("expected a ServiceError", file: file, line: line)
    } catch let error as ServiceError {
        return error
    } catch {
        XCTFail("expected a ServiceError, got \(error)", file: file, line: line)
    }
    return nil
}
