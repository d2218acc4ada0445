import OFServices
import OFTransport

/// The function a job invokes: its OCID, the endpoint its invocations go to, and how long the service lets it run.
public struct FunctionTarget: Sendable, Equatable {
    public let id: String
    public let invokeEndpoint: String
    /// The function's `timeoutInSeconds` (sync calls) and `detachedModeTimeoutInSeconds`, when known.
    public let timeoutSeconds: Int?
    public let detachedTimeoutSeconds: Int?
    /// Made once, as every invocation uses it.
    let invokeURL: String

    public init(id: String, invokeEndpoint: String, timeoutSeconds: Int? = nil, detachedTimeoutSeconds: Int? = nil) {
        self.id = id
        self.invokeEndpoint = invokeEndpoint
        self.timeoutSeconds = timeoutSeconds
        self.detachedTimeoutSeconds = detachedTimeoutSeconds
        invokeURL = FunctionsInvokeClient.invokeURL(invokeEndpoint: invokeEndpoint, functionId: id)
    }

    /// Seconds after its send that an invocation in `mode` may still run: the service stops the function at its
    /// timeout; the margin covers starting it and seeing its status. Nil when the function's timeout is unknown.
    func mayRunFor(_ mode: InvokeMode) -> Double? {
        let timeout = mode == .detached ? detachedTimeoutSeconds ?? timeoutSeconds : timeoutSeconds
        return timeout.map { Double($0) + MapOptions.callTimeoutMargin.secondsValue }
    }
}

/// Builds the invoke requests of one job: an envelope per invocation (or the raw input, for `rawBody` jobs).
/// Immutable, so the signing threads build requests in parallel.
struct InvocationBuilder: Sendable {
    let jobId: String
    let mode: InvokeMode
    let format: MapOptions.CallFormat
    let target: FunctionTarget
    /// The inputs, when this process has them; an attached job reads them from `storedInputs`.
    let inputs: [[UInt8]]?
    let storedInputs: StoredInputs?
    let storage: StorageLocation?
    /// A sync invocation may run this long before its request is abandoned.
    let callTimeout: Duration
    /// Seconds a call may run before its worker stops it (`MapOptions.executionTimeout`).
    var executionTimeout: Double? = nil

    /// Which of `calls` travel inline in an envelope, in order: an input travels inline when it is at most
    /// `inlineInputLimit` bytes and the envelope stays under `envelopeLimit`; the others are read from storage.
    static func inlined(_ calls: [Int], sizes: (Int) -> Int?) -> [Bool] {
        // room for the envelope's own fields and each call's id and keys
        var used = 1024
        return calls.map { call in
            guard let size = sizes(call), size <= JobProtocol.inlineInputLimit else { return false }
            let encoded = 4 * ((size + 2) / 3) + 64
            guard used + encoded <= JobProtocol.envelopeLimit else { return false }
            used += encoded
            return true
        }
    }

    /// The request for the `attempt`-th send of an invocation of `calls`, sent at `submitted` (epoch seconds).
    func request(calls: [Int], attempt: Int, submitted: Double) throws(EngineError) -> HTTPRequest {
        let body: [UInt8]
        let contentType: String
        switch format {
        case .rawBody:
            guard calls.count == 1, let call = calls.first, let inputs, inputs.indices.contains(call) else {
                throw EngineError(.invalidArgument, "a raw-body invocation carries exactly one input this process holds; use the envelope format for chunks or attached jobs")
            }
            body = inputs[call]
            contentType = "application/octet-stream"
        case .envelope:
            body = try envelopeBody(calls: calls, attempt: attempt, submitted: submitted)
            contentType = "application/json"
        }
        do {
            return try FunctionsInvokeClient.request(
                url: target.invokeURL, body: body, mode: mode, contentType: contentType,
                requestId: Self.requestId(jobId: jobId, call: calls.first ?? 0, attempt: attempt),
                readTimeout: mode == .sync ? callTimeout : nil)
        } catch {
            throw EngineError(.invalidArgument, "input \(calls.first ?? 0): \(error.description); send it through the envelope format, which stores large inputs in Object Storage")
        }
    }

    private func envelopeBody(calls: [Int], attempt: Int, submitted: Double) throws(EngineError) -> [UInt8] {
        let inline = Self.inlined(calls) { call in inputs.flatMap { $0.indices.contains(call) ? $0[call].count : nil } }
        var entries: [EnvelopeCall] = []
        entries.reserveCapacity(calls.count)
        for (call, isInline) in zip(calls, inline) {
            if isInline, let inputs {
                entries.append(EnvelopeCall(callId: JobProtocol.callId(call), input: .inline(inputs[call])))
            } else if let storedInputs {
                guard let stored = storedInputs.payload(call) else {
                    throw EngineError(.service, "the job's manifest names no bytes of \(storedInputs.object) for input \(call): its offsets are damaged or fewer than its calls")
                }
                entries.append(EnvelopeCall(callId: JobProtocol.callId(call), input: stored))
            } else {
                throw EngineError(.configuration, "input \(call) is too large to travel inline and the job has no stored inputs; give the job a bucket (oracle_oss.storage_bucket or the bucket option)")
            }
        }
        return Envelope(
            jobId: jobId, mode: mode, calls: entries, storage: storage, submitted: submitted, attempt: attempt,
            executionTimeout: executionTimeout
        ).jsonBytes
    }

    /// An opc-request-id naming the job, the invocation's first call and the attempt, for finding the
    /// invocation in OCI's logs and in error reports.
    static func requestId(jobId: String, call: Int, attempt: Int) -> String {
        "\(jobId)-\(JobProtocol.callId(call))-\(attempt)".uppercased()
    }
}
