import Glibc
import OFConfig
import OFServices
import OFTransport

/// Runs map jobs on Oracle Functions: one function over many inputs, every result back in input order.
///
/// One engine serves any number of jobs at once, from any thread: they share one HTTP client (one curl multi
/// loop, connections reused) and one small pool of signing threads.
public final class Engine: Sendable {
    public let configuration: Configuration
    private let services: JobServices

    /// The session whose credentials and connections the engine's jobs use.
    public let session: Session

    /// An engine that runs its jobs through `session`: its HTTP client, credentials and namespace.
    /// - Throws: `EngineError` (`.configuration`) when the signing threads cannot start.
    public convenience init(session: Session, clock: EngineClock = .system) throws(EngineError) {
        let pool: SigningPool
        do {
            pool = try SigningPool(threadCount: Self.processorCount, invoker: session.invoker)
        } catch {
            throw EngineError(.configuration, "the engine cannot start its signing threads: \(error)")
        }
        let services = JobServices(
            pool: pool, objects: StorageAdapter(client: session.objects), functions: FunctionsAdapter(client: session.functions),
            clock: clock, random: { Double.random(in: 0..<1) })
        self.init(session: session, services: services)
    }

    /// An engine with a session of its own for `configuration`, logging at `lithops.log_level` unless `logger`
    /// is given.
    /// - Throws: `EngineError` (`.configuration`) when the credentials or the transport settings of `oracle_f` or
    ///   `oracle_oss` cannot be used, or the HTTP client or the threads cannot start.
    public convenience init(configuration: Configuration, logger: Logger? = nil, clock: EngineClock = .system) throws(EngineError) {
        let session: Session
        do {
            session = try Session(configuration: configuration, logger: logger)
        } catch {
            throw EngineError(.configuration, "the engine cannot start: \(error)")
        }
        try self.init(session: session, clock: clock)
    }

    init(session: Session, services: JobServices) {
        self.session = session
        self.configuration = session.configuration
        self.services = services
    }

    /// Starts a job: `function` (a function OCID, or the name of a deployed function) over `inputs`. Returns
    /// at once; the job finds the function, stores what it must and invokes on a thread of its own. A job that
    /// cannot run at all (no such function, no access to the bucket) ends with every call failed and
    /// `MapJob.error` set.
    /// - Throws: `EngineError` when the options cannot work (no bucket for a detached job, chunksize 0, ...).
    public func map(
        function: String, inputs: [[UInt8]], options: MapOptions = MapOptions(),
        progress: (@Sendable (JobProgress) -> Void)? = nil
    ) throws(EngineError) -> MapJob {
        guard !function.isEmpty else {
            throw EngineError(.invalidArgument, "no function given: pass a function OCID (ocid1.fnfunc...) or the name of a deployed function")
        }
        // OCI names and OCIDs are at most 255 characters; a longer one would only make an URL no server takes
        guard function.utf8.count <= Self.maxFunctionReference else {
            throw EngineError(.invalidArgument, "the function given has \(function.utf8.count) bytes; a function OCID or name has at most \(Self.maxFunctionReference)")
        }
        let spec = try JobSpec.resolve(
            jobId: JobProtocol.newJobId(random: UInt64.random(in: .min ... .max)), function: function,
            start: .new(inputs: inputs), options: options, configuration: configuration)
        return try start(spec, progress: progress)
    }

    /// Collects a detached job that another process started (and may have died running), by its id: reads the
    /// job's manifest, counts the statuses already there, waits for the rest, and invokes again any call with
    /// no status one call timeout after attaching. `options` may set the bucket, jobs prefix, call timeout,
    /// retries and maxWorkers; the rest comes from the manifest.
    public func attach(
        jobId: String, options: MapOptions = MapOptions(), progress: (@Sendable (JobProgress) -> Void)? = nil
    ) throws(EngineError) -> MapJob {
        guard JobProtocol.isJobId(jobId) else {
            throw EngineError(.invalidArgument, "\"\(jobId)\" is not a job id: job ids are 16 lowercase hex characters, as MapJob.id gives them")
        }
        let spec = try JobSpec.resolve(jobId: jobId, function: nil, start: .attach, options: options, configuration: configuration)
        return try start(spec, progress: progress)
    }

    private func start(_ spec: JobSpec, progress: (@Sendable (JobProgress) -> Void)?) throws(EngineError) -> MapJob {
        let driver = JobDriver(spec: spec, services: services, onProgress: progress)
        do {
            try driver.start()
        } catch {
            throw EngineError(.configuration, "the job could not start its thread: \(error.description)")
        }
        return MapJob(driver: driver)
    }

    static let maxFunctionReference = 255

    private static var processorCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}
