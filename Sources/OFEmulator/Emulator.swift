import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import OFSigning
import ServiceLifecycle
import OFLocking

/// How an emulator is set up; every field has a default but the keys it trusts.
public struct EmulatorOptions: Sendable {
    /// Loopback only: the emulator is a local stand-in, never a service for other machines.
    public var host = "127.0.0.1"
    /// 0 picks a free port; `Emulator.start()` returns the one bound.
    public var port = 0
    /// With a directory, buckets and objects are kept there and survive a restart; without, all is in memory.
    public var stateDirectory: String?
    /// The API keys whose signatures are accepted, by keyId `<tenancy>/<user>/<fingerprint>`.
    public var trustedKeys: [String: PublicKey]
    /// The Object Storage namespace GetNamespace answers with.
    public var namespace = "oraclefn"
    /// The tenancy of the instance certificate and the resource principal.
    public var tenancy = GeneratedSetup.tenancy
    /// The region the instance metadata and the resource principal name.
    public var region = GeneratedSetup.region
    /// Seconds the session tokens it issues live: user sessions, federation (instance principal) tokens, refreshes.
    public var tokenLifetime = 3600
    /// Seconds the resource principal handlers get lives. Handlers cannot renew it (nor can functions on OCI), so it
    /// outlives any run of the emulator by default.
    public var resourcePrincipalLifetime = 365 * 86_400
    /// Which local command plays each function image.
    public var catalog: ImageCatalog
    public var faults = FaultSettings.none
    public var runner = RunnerSettings()
    /// Caps on connections and how long a client may take to send a request, or hold a connection idle.
    public var connections = ConnectionLimits()
    /// The largest request body accepted (PutObject, UploadPart ...); larger ones get 413.
    public var maxRequestBodyBytes = 512 * 1024 * 1024
    /// How far a request's date may be from the emulator's clock (OCI allows 5 minutes).
    public var maxClockSkewSeconds = 300
    /// Lines of handler output kept for `logs poll`.
    public var logCapacity = 100_000
    public var logLevel = Logger.Level.warning
    public var clock: @Sendable () -> Date = Date.init

    public init(trustedKeys: [String: PublicKey], catalog: ImageCatalog = ImageCatalog()) {
        self.trustedKeys = trustedKeys
        self.catalog = catalog
    }
}

/// Why an emulator could not start.
public struct EmulatorError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// A local OCI on loopback: Functions (management, invoke and work requests), Object Storage, and handler logs
/// (its own endpoint, and OCI Logging's log groups, logs and search), behind OCI request signing. Usable in-process (tests, the CLI's `oraclefn emulator`).
public final class Emulator: Sendable {
    private struct Running: Sendable {
        let url: String
        let services: ServiceGroup
        let server: Task<Void, Never>
        let runner: FunctionRunner
        let identity: EmulatorIdentity
    }

    /// How long `stop()` lets requests in flight finish before cutting them off.
    static let shutdownGrace = Duration.seconds(5)

    public let options: EmulatorOptions
    private let running = Locked<Running?>(nil)

    public init(options: EmulatorOptions) {
        self.options = options
    }

    /// `http://127.0.0.1:PORT` once started, else "".
    public var url: String {
        self.running.withLock { $0?.url ?? "" }
    }

    /// The token issuer, resource principal and instance identity, once started.
    public var identity: EmulatorIdentity? {
        self.running.withLock { $0?.identity }
    }

    /// Binds, starts serving and returns the bound port.
    /// - Throws: `EmulatorError` when the state directory cannot be read or the address cannot be bound.
    public func start() async throws -> Int {
        guard self.running.withLock({ $0 == nil }) else {
            throw EmulatorError(description: "The emulator is already running at \(self.url); stop it before starting it again.")
        }
        var options = self.options
        let identity: EmulatorIdentity
        do {
            identity = try EmulatorIdentity(options: options)
        } catch {
            throw EmulatorError(description: "Cannot set up the emulator's identity key and resource principal\(options.stateDirectory.map { " in \($0)/identity" } ?? ""): \(error).")
        }
        // handlers sign their own Object Storage requests, as functions do with their resource principal
        options.runner.handlerEnvironment.merge(identity.resourcePrincipal.environment) { _, principal in principal }
        let objects: ObjectStore
        do {
            objects = try ObjectStore(namespace: options.namespace, tenancy: options.tenancy, clock: options.clock, disk: options.stateDirectory.map(ObjectStateDirectory.init))
        } catch {
            throw EmulatorError(description: "Cannot read the emulator state in \(options.stateDirectory ?? ""): \(error). Fix or remove that directory.")
        }
        let functions = FunctionStore(clock: options.clock)
        let logs = LogStore(capacity: options.logCapacity, clock: options.clock)
        let runner = FunctionRunner(catalog: options.catalog, faults: options.faults, logs: logs, settings: options.runner, clock: options.clock)
        let router = Self.router(options: options, identity: identity, objects: objects, functions: functions, runner: runner, logs: logs)

        var logger = Logger(label: "oraclefn.emulator")
        logger.logLevel = options.logLevel
        let (bound, boundContinuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let application = Application(
            router: router,
            server: HTTPServerBuilder { [connections = options.connections] responder in
                GuardedHTTP1Channel(responder: responder, limits: connections)
            },
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
            onServerRunning: { channel in boundContinuation.yield(.success(channel.localAddress?.port ?? 0)) },
            logger: logger
        )
        var configuration = ServiceGroupConfiguration(services: [.init(service: application)], logger: logger)
        configuration.maximumGracefulShutdownDuration = Self.shutdownGrace
        let services = ServiceGroup(configuration: configuration)
        let server = Task {
            do {
                try await services.run()
            } catch {
                boundContinuation.yield(.failure(error))
            }
            boundContinuation.finish()
        }
        for await result in bound {
            switch result {
            case .success(let port):
                let url = "http://\(options.host):\(port)"
                await functions.setInvokeEndpoint(url)
                self.running.withLock { $0 = Running(url: url, services: services, server: server, runner: runner, identity: identity) }
                return port
            case .failure(let error):
                await runner.shutdown()
                throw EmulatorError(description: "Cannot listen on \(options.host):\(options.port): \(error). Choose another port, or 0 for a free one.")
            }
        }
        await runner.shutdown()
        throw EmulatorError(description: "The emulator's server stopped before it was listening on \(options.host):\(options.port).")
    }

    /// Stops serving (requests in flight get `shutdownGrace` to finish) and stops every handler process.
    /// Safe to call when not running.
    public func stop() async {
        guard let running = self.running.withLock({ running in defer { running = nil }; return running }) else { return }
        await running.services.triggerGracefulShutdown()
        await running.runner.shutdown()
        await running.server.value
    }

    /// The routes, behind the middlewares every request passes: opc-request-id and OCI error bodies first,
    /// then the signature check (API keys and the emulator's session tokens).
    static func router(options: EmulatorOptions, identity: EmulatorIdentity, objects: ObjectStore, functions: FunctionStore, runner: FunctionRunner, logs: LogStore) -> Router<EmulatorRequestContext> {
        let router = Router(context: EmulatorRequestContext.self)
        router.add(middleware: OCIResponseMiddleware())
        let clock = options.clock
        let verifier = SignatureVerifier(
            maxSkewSeconds: options.maxClockSkewSeconds, clock: { Int(clock().timeIntervalSince1970) },
            resolve: identity.resolver(trustedKeys: options.trustedKeys))
        router.add(middleware: SignatureMiddleware(
            verifier: verifier, maxBodyBytes: options.maxRequestBodyBytes, principal: { identity.principal(ofKeyId: $0) },
            authorizePreauthenticated: { request in
                _ = try await objects.authorize(PreauthenticatedPath(path: request.uri.path), write: request.method == .put)
            }))
        IdentityRoutes(identity: identity, maxClockSkewSeconds: options.maxClockSkewSeconds, clock: clock).register(on: router)
        ObjectStorageRoutes(store: objects).register(on: router)
        FunctionsRoutes(store: functions, workRequests: WorkRequestLog(ocidType: "fnworkrequest", clock: clock)) { functionId in
            await runner.retire(functionId: functionId)
        }.register(on: router)
        LogRoutes(logs: logs).register(on: router)
        LoggingRoutes(
            store: LoggingStore(tenancy: options.tenancy, clock: clock), lines: logs,
            workRequests: WorkRequestLog(ocidType: "loggingworkrequest", clock: clock),
            applicationExists: { id in (try? await functions.application(id: id)) != nil }
        ).register(on: router)
        InvokeRoutes(functions: functions, runner: runner).register(on: router)
        return router
    }
}
