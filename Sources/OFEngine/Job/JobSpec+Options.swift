import OFConfig

extension JobSpec {
    /// The job `options` ask for, with the configuration's defaults filled in; refuses options that cannot work,
    /// saying which and why.
    static func resolve(
        jobId: String, function: String?, start: JobStart, options: MapOptions, configuration: Configuration
    ) throws(EngineError) -> JobSpec {
        let format = options.format
        let mode = options.mode
        if format == .rawBody {
            guard mode == .sync else {
                throw EngineError(.invalidArgument, "the raw-body format needs sync mode: a function that is not an oraclefn worker has no way to report a detached result; set mode to sync")
            }
            guard options.chunksize ?? 1 == 1 else {
                throw EngineError(.invalidArgument, "the raw-body format sends one input per invocation; leave chunksize unset or set it to 1")
            }
        }
        let maxWorkers = options.maxWorkers ?? configuration.functions.maxWorkers
        guard maxWorkers >= 1 else {
            throw EngineError(.invalidArgument, "maxWorkers is \(maxWorkers); give at least 1")
        }
        let chunksize = options.chunksize ?? (format == .rawBody ? 1 : configuration.functions.workerProcesses)
        guard chunksize >= 1 else {
            throw EngineError(.invalidArgument, "chunksize is \(chunksize); give at least 1 call per invocation")
        }
        if let executionTimeout = options.executionTimeout, executionTimeout <= .zero {
            throw EngineError(.invalidArgument, "executionTimeout is \(executionTimeout); give a positive duration")
        }
        let callTimeout = options.callTimeout
            ?? (options.executionTimeout ?? .seconds(configuration.functions.runtimeTimeout)) + MapOptions.callTimeoutMargin
        guard callTimeout > .zero else {
            throw EngineError(.invalidArgument, "callTimeout is \(callTimeout); give a positive duration")
        }
        let retries = options.retries ?? max(configuration.lithops.retries, MapOptions.minimumDefaultRetries)
        guard retries >= 0, options.throttleRetries >= 0 else {
            throw EngineError(.invalidArgument, "retries (\(retries)) and throttleRetries (\(options.throttleRetries)) cannot be negative")
        }
        let bucket = options.bucket ?? configuration.storage.storageBucket
        if let bucket, bucket.isEmpty {
            throw EngineError(.invalidArgument, "the bucket name is empty; give a bucket name or leave it unset to use oracle_oss.storage_bucket")
        }
        switch start {
        case .new(let inputs):
            if mode == .detached, bucket == nil {
                throw EngineError(.configuration, "a detached job keeps its results in Object Storage, and no bucket is set: set storage_bucket in the oracle_oss section, pass a bucket, or use sync mode")
            }
            if mode == .sync, bucket == nil, format == .envelope,
               JobPreparation.needsStoredInputs(sizes: inputs.map(\.count), chunksize: chunksize) {
                throw EngineError(.configuration, "some inputs are too large to travel inline (over \(JobProtocol.inlineInputLimit) bytes, or over \(JobProtocol.envelopeLimit) bytes per invocation) and no bucket is set to store them: set storage_bucket in the oracle_oss section or pass a bucket")
            }
        case .attach:
            if bucket == nil {
                throw EngineError(.configuration, "attaching to job \(jobId) needs the bucket it keeps its objects in: set storage_bucket in the oracle_oss section or pass the bucket")
            }
        }
        // a sync request lasts as long as its function runs, so only the window bounds those
        let limits = InvocationSchedule.Limits(
            maxWorkers: maxWorkers, retries: retries, throttleRetries: options.throttleRetries, callTimeout: callTimeout.secondsValue,
            resendWhileRunning: options.atLeastOnce, maxRequestsInFlight: mode == .sync ? maxWorkers : MapOptions.detachedRequestsInFlight)
        return JobSpec(
            jobId: jobId, function: function, mode: mode, format: format, chunksize: chunksize, limits: limits,
            executionTimeout: options.executionTimeout?.secondsValue, bucket: bucket,
            layout: JobLayout(jobsPrefix: options.jobsPrefix, jobId: jobId), storageEndpoint: configuration.storage.endpoint,
            start: start)
    }
}
