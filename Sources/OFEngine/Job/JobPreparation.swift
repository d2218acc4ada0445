import FoundationEssentials

/// A job ready to run: its calls, and how to invoke them.
struct PreparedJob: Sendable {
    let totalCalls: Int
    let chunksize: Int
    let mode: InvokeMode
    /// Where the job's objects are; nil for a sync job without a bucket.
    let storage: StorageLocation?
    /// How to build its invocations, or why it cannot invoke (an attached job whose function is gone).
    let builder: Result<InvocationBuilder, EngineError>
    /// For an attached job: invocations the process that started it saw accepted (`DispatchMark`).
    var acceptedInvocations = 0
}

/// The I/O before the first invocation: finding the function, storing the inputs and the manifest; or, to
/// attach, reading the manifest back.
enum JobPreparation {
    static func prepare(_ spec: JobSpec, objects: any JobObjects, functions: any FunctionDirectory, now: Double) async throws(EngineError) -> PreparedJob {
        switch spec.start {
        case .new(let inputs): return try await prepareNew(spec, inputs: inputs, objects: objects, functions: functions, now: now)
        case .attach: return try await prepareAttached(spec, objects: objects, functions: functions)
        }
    }

    /// Whether a sync job must store its inputs: some input cannot travel inline.
    static func needsStoredInputs(sizes: [Int], chunksize: Int) -> Bool {
        var start = 0
        while start < sizes.count {
            let calls = Array(start..<min(sizes.count, start + max(1, chunksize)))
            if InvocationBuilder.inlined(calls, sizes: { sizes[$0] }).contains(false) { return true }
            start += max(1, chunksize)
        }
        return false
    }

    private static func prepareNew(
        _ spec: JobSpec, inputs: [[UInt8]], objects: any JobObjects, functions: any FunctionDirectory, now: Double
    ) async throws(EngineError) -> PreparedJob {
        guard let function = spec.function else {
            throw EngineError(.invalidArgument, "a new job needs a function: give its OCID or the name of a deployed function")
        }
        let target = try await functions.target(for: function)
        var storage: StorageLocation?
        var stored: StoredInputs?
        if let bucket = spec.bucket, spec.format == .envelope {
            let namespace = try await objects.namespace()
            storage = StorageLocation(endpoint: spec.storageEndpoint, namespace: namespace, bucket: bucket, prefix: spec.layout.prefix)
            // a detached job stores every input, so a process attaching later can invoke any call again
            if spec.mode == .detached || needsStoredInputs(sizes: inputs.map(\.count), chunksize: spec.chunksize) {
                var offsets = [0]
                offsets.reserveCapacity(inputs.count + 1)
                var all: [UInt8] = []
                all.reserveCapacity(inputs.reduce(0) { $0 + $1.count })
                for input in inputs {
                    all += input
                    offsets.append(all.count)
                }
                try await objects.put(bucket: bucket, name: spec.layout.inputs, bytes: all)
                stored = StoredInputs(object: spec.layout.inputs, offsets: offsets)
            }
            if spec.mode == .detached, let storage {
                let manifest = JobManifest(
                    jobId: spec.jobId, functionId: target.id, totalCalls: inputs.count, chunksize: spec.chunksize,
                    mode: spec.mode, created: now, storage: storage, inputs: stored)
                try await objects.put(bucket: bucket, name: spec.layout.manifest, bytes: try encode(manifest))
            }
        }
        let builder = InvocationBuilder(
            jobId: spec.jobId, mode: spec.mode, format: spec.format, target: target, inputs: inputs,
            storedInputs: stored, storage: storage, callTimeout: .seconds(spec.limits.callTimeout),
            executionTimeout: spec.executionTimeout)
        return PreparedJob(totalCalls: inputs.count, chunksize: spec.chunksize, mode: spec.mode, storage: storage, builder: .success(builder))
    }

    private static func prepareAttached(_ spec: JobSpec, objects: any JobObjects, functions: any FunctionDirectory) async throws(EngineError) -> PreparedJob {
        guard let bucket = spec.bucket else {
            throw EngineError(.configuration, "attaching to job \(spec.jobId) needs the bucket it keeps its objects in: set oracle_oss.storage_bucket or give the bucket")
        }
        let bytes: [UInt8]
        do {
            bytes = try await objects.get(bucket: bucket, name: spec.layout.manifest, range: nil)
        } catch where error.kind == .notFound {
            throw EngineError(
                .notFound, "there is no job \(spec.jobId) in bucket \(bucket): \(spec.layout.manifest) does not exist; check the job id, the bucket and the jobs prefix, or whether the job was cleaned up",
                httpStatus: error.httpStatus, code: error.code, opcRequestId: error.opcRequestId)
        }
        let manifest: JobManifest
        do {
            manifest = try JSONDecoder().decode(JobManifest.self, from: Data(bytes))
        } catch {
            throw EngineError(.service, "\(spec.layout.manifest) in bucket \(bucket) is not a job manifest (\(error)); it was not written by this engine's protocol version \(JobProtocol.version)")
        }
        guard manifest.oraclefn == JobProtocol.version, manifest.jobId == spec.jobId else {
            throw EngineError(.service, "\(spec.layout.manifest) in bucket \(bucket) is for job \(manifest.jobId), protocol version \(manifest.oraclefn); this engine reads version \(JobProtocol.version) manifests of job \(spec.jobId)")
        }
        // The engine holds a few hundred bytes per call: a count its stored inputs do not back (a damaged or
        // hand-made manifest) must not make it allocate for calls that cannot exist.
        let storedCalls = (manifest.inputs?.offsets.count ?? 1) - 1
        guard manifest.totalCalls == storedCalls, manifest.chunksize >= 1 else {
            throw EngineError(.service, "\(spec.layout.manifest) in bucket \(bucket) is damaged: it says total_calls \(manifest.totalCalls) and chunksize \(manifest.chunksize), but its inputs are offsets of \(storedCalls) calls (and a chunk holds at least 1); the job cannot be collected from it")
        }
        let builder: Result<InvocationBuilder, EngineError>
        do {
            let target = try await functions.target(for: manifest.functionId)
            builder = .success(InvocationBuilder(
                jobId: spec.jobId, mode: manifest.mode, format: .envelope, target: target, inputs: nil,
                storedInputs: manifest.inputs, storage: manifest.storage, callTimeout: .seconds(spec.limits.callTimeout),
                executionTimeout: spec.executionTimeout))
        } catch {
            builder = .failure(error)
        }
        var prepared = PreparedJob(totalCalls: manifest.totalCalls, chunksize: manifest.chunksize, mode: manifest.mode, storage: manifest.storage, builder: builder)
        prepared.acceptedInvocations = try await acceptedInvocations(spec, bucket: bucket, objects: objects)
        return prepared
    }

    /// What the job's dispatch mark says; none yet (the process died within its first second) is 0.
    private static func acceptedInvocations(_ spec: JobSpec, bucket: String, objects: any JobObjects) async throws(EngineError) -> Int {
        let bytes: [UInt8]
        do {
            bytes = try await objects.get(bucket: bucket, name: spec.layout.dispatched, range: nil)
        } catch where error.kind == .notFound {
            return 0
        }
        guard let mark = try? JSONDecoder().decode(DispatchMark.self, from: Data(bytes)), mark.jobId == spec.jobId else {
            // an unreadable mark only costs speed: every call is then sent again at once
            return 0
        }
        return mark.acceptedInvocations
    }

    private static func encode(_ manifest: JobManifest) throws(EngineError) -> [UInt8] {
        do {
            return [UInt8](try JSONEncoder().encode(manifest))
        } catch {
            throw EngineError(.invalidArgument, "the manifest of job \(manifest.jobId) could not be encoded: \(error)")
        }
    }
}
