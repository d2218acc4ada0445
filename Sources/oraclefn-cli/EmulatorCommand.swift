import ArgumentParser
import Foundation
import OFConfig
import OFEmulator
import OFSigning

/// `oraclefn emulator`: a local OCI (Functions, Object Storage, logs and OCI Logging search) on loopback, until SIGINT or SIGTERM.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Serve a local OCI (Functions, Object Storage, logs and OCI Logging search) on 127.0.0.1.",
        discussion: """
            Prints "listening on http://127.0.0.1:PORT" as its first line, then serves until SIGINT or SIGTERM.
            Requests must be signed with a trusted API key: the key of the configuration given with --config,
            or found as Lithops finds it (LITHOPS_CONFIG_FILE, ./.lithops_config, ~/.lithops/config,
            /etc/lithops/config). With none, it generates a key and a ready configuration in the state
            directory (or a new temporary one) and prints that file's path.

            Built-in images (any tag), run by the native handler oraclefn-fdk:
            \(ImageCatalog.builtIns.map { "  oraclefn/\($0.name): \($0.summary)" }.joined(separator: "\n"))

            The Python runtime image (any tag):
              \(ImageCatalog.pythonImage.name): \(ImageCatalog.pythonImage.summary)

            Identities: besides API keys it accepts the session tokens it issues
            (keyId ST$<token>). With --state DIR it writes DIR/oci_config ([DEFAULT]:
            the API key; [SESSION]: a session token) and DIR/resource_principal/.
            Instance metadata: URL/opc/v2 (set OCI_METADATA_BASE_URL to it);
            federation: URL/v1/x509; refresh: URL/v1/authentication/refresh.

            See docs/emulator.md for the routes, identities, image configuration and fault injection.
            """
    )

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 0

    @Option(name: .customLong("state"), help: "Keep buckets and objects (and a generated key, the identity keys) in this directory, across restarts; also write oci_config, session and resource principal files there.")
    var stateDirectory: String?

    @Option(name: .customLong("config"), help: "Lithops configuration whose API key to trust.")
    var configFile: String?

    @Option(name: .customLong("images"), help: "Image configuration (JSON) mapping images to handler commands.")
    var imagesFile: String?

    @Option(help: "Faults to inject into invokes, e.g. 429=0.1,5xx=0.05,latency=200ms,kill=0.02,drop=0.01,seed=7 (default: ORACLEFN_EMULATOR_FAULTS).")
    var faults: String?

    @Option(help: "The Object Storage namespace to serve.")
    var namespace = "oraclefn"

    @Option(name: .customLong("concurrency-mb"), help: "Memory one function's concurrent calls may use together: it runs at most this / memoryInMBs calls at once; more get 429 (OCI's tenancy-wide default is 61440).")
    var concurrencyMB = RunnerSettings().concurrencyBudgetMB

    @Option(name: .customLong("idle-timeout"), help: "Seconds a handler with no call is kept hot before it is stopped (for connections, see --connection-idle-timeout).")
    var idleTimeoutSeconds = Int(RunnerSettings().idleTimeout.components.seconds)

    @Option(name: .customLong("handler-start-timeout"), help: "Seconds a new handler has to listen on its socket before the call fails (raise it on a loaded machine, where many handlers start at once).")
    var handlerStartTimeoutSeconds = Self.seconds(RunnerSettings().startTimeout)

    @Option(name: .customLong("token-lifetime"), help: "Seconds the session tokens it issues live (the [SESSION] profile's, federation and refresh tokens).")
    var tokenLifetime = EmulatorOptions(trustedKeys: [:]).tokenLifetime

    @Option(name: .customLong("max-connections"), help: "Connections held at once from all clients (lowered to fit the descriptor limit); more get 503 and are closed.")
    var maxConnections = ConnectionLimits().maxConnections

    @Option(name: .customLong("max-connections-per-client"), help: "Connections held at once from one client address; more get 503 and are closed.")
    var maxConnectionsPerClient = ConnectionLimits().maxConnectionsPerClient

    @Option(name: .customLong("header-timeout"), help: "Seconds a client has to send a request's head, from its first byte; then 408 and the connection is closed.")
    var headerTimeoutSeconds = Self.seconds(ConnectionLimits().headerTimeout)

    @Option(name: .customLong("body-timeout"), help: "Seconds a request's body may go without a byte arriving before the connection is closed.")
    var bodyTimeoutSeconds = Self.seconds(ConnectionLimits().bodyTimeout)

    @Option(name: .customLong("connection-idle-timeout"), help: "Seconds a connection may wait for its next request before it is closed.")
    var connectionIdleTimeoutSeconds = Self.seconds(ConnectionLimits().idleTimeout)

    func validate() throws {
        guard self.maxConnections > 0 else { throw ValidationError("--max-connections must be a positive number, e.g. 4096.") }
        guard self.maxConnectionsPerClient > 0 else { throw ValidationError("--max-connections-per-client must be a positive number, e.g. 1024.") }
        for (name, value) in [("--handler-start-timeout", self.handlerStartTimeoutSeconds), ("--header-timeout", self.headerTimeoutSeconds), ("--body-timeout", self.bodyTimeoutSeconds), ("--connection-idle-timeout", self.connectionIdleTimeoutSeconds)] {
            guard value > 0, value.isFinite else { throw ValidationError("\(name) must be a positive number of seconds, e.g. 30.") }
        }
        guard self.concurrencyMB > 0 else { throw ValidationError("--concurrency-mb must be a positive number of MB, e.g. 4096.") }
        guard self.idleTimeoutSeconds > 0 else { throw ValidationError("--idle-timeout must be a positive number of seconds, e.g. 30.") }
        guard self.tokenLifetime > 0 else { throw ValidationError("--token-lifetime must be a positive number of seconds, e.g. 3600.") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let catalog = try self.imagesFile.map { path throws(ImageCatalogError) in try ImageCatalog.load(contentsOf: path) } ?? ImageCatalog()
        let faults = try self.faults.map { spec throws(FaultSettingsError) in try FaultSettings(spec: spec) } ?? FaultSettings(environment: environment)

        var generated: GeneratedSetup?
        let trustedKeys: [String: PublicKey]
        // the [DEFAULT] profile of the oci_config it writes: the API key it trusts
        let apiKey: IdentityFiles.APIKeyProfile
        let configPath = self.configFile ?? Configuration.locate(environment: environment)
        if let configPath {
            let configuration = try Configuration.load(path: configPath, environment: environment)
            trustedKeys = try TrustedKeys.from(configuration)
            guard let key = configuration.oracle.credentials.apiKey else {
                throw CLIFailure.usage("the emulator trusts the API key of the configuration it is given, but \(configPath) signs with auth: \(configuration.oracle.auth.rawValue); give it a configuration with an API key, or none (it then makes one)")
            }
            apiKey = .init(user: key.user, tenancy: key.tenancy, fingerprint: key.fingerprint, keyFile: key.keyFile, passPhrase: key.passPhrase, region: configuration.oracle.region)
        } else {
            let setup = try GeneratedSetup(directory: self.stateDirectory ?? Self.temporaryDirectory())
            trustedKeys = [setup.keyId: setup.publicKey]
            generated = setup
            apiKey = .init(user: GeneratedSetup.user, tenancy: GeneratedSetup.tenancy, fingerprint: setup.fingerprint, keyFile: setup.keyFile, region: GeneratedSetup.region)
        }

        var options = EmulatorOptions(trustedKeys: trustedKeys, catalog: catalog)
        options.port = self.port
        options.stateDirectory = self.stateDirectory
        options.namespace = self.namespace
        options.faults = faults
        options.runner.concurrencyBudgetMB = self.concurrencyMB
        options.runner.idleTimeout = .seconds(self.idleTimeoutSeconds)
        options.runner.startTimeout = .seconds(self.handlerStartTimeoutSeconds)
        options.tokenLifetime = self.tokenLifetime
        options.connections.maxConnections = self.maxConnections
        options.connections.maxConnectionsPerClient = self.maxConnectionsPerClient
        options.connections.headerTimeout = .seconds(self.headerTimeoutSeconds)
        options.connections.bodyTimeout = .seconds(self.bodyTimeoutSeconds)
        options.connections.idleTimeout = .seconds(self.connectionIdleTimeoutSeconds)
        let emulator = Emulator(options: options)
        _ = try await emulator.start()
        try generated?.writeConfiguration(url: emulator.url, namespace: self.namespace)
        // credential files for every OCI auth mode, in the state directory (or the generated setup's folder)
        let identityDirectory = self.stateDirectory ?? generated.map { ($0.configFile as NSString).deletingLastPathComponent }
        let identityFiles = identityDirectory.map(IdentityFiles.init(directory:))
        if let identityFiles, let identity = emulator.identity {
            do {
                try identityFiles.write(identity: identity, apiKey: apiKey, emulatorURL: emulator.url)
            } catch {
                await emulator.stop()
                throw error
            }
        }

        Self.say("listening on \(emulator.url)")
        if let generated {
            Self.say("configuration: \(generated.configFile)")
        } else if let configPath {
            Self.say("trusting the API key of \(configPath)")
        }
        if let identityFiles {
            Self.say("oci config: \(identityFiles.configFile)")
        }
        await Self.waitForTermination()
        await emulator.stop()
    }

    /// One line on stdout, flushed at once: scripts read the first line to learn the URL.
    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// A duration as the seconds an option shows for its default.
    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oraclefn-emulator-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Returns on the first SIGINT or SIGTERM.
    private static func waitForTermination() async {
        let (signals, continuation) = AsyncStream<Int32>.makeStream()
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        for await _ in signals { break }
        sources.forEach { $0.cancel() }
    }
}
