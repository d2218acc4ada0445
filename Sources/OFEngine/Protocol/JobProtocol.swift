// The job protocol between the engine and the workers, as docs/protocol.md writes it down.
import FoundationEssentials
import OFServices

/// Names and limits of the job protocol, version 1 (docs/protocol.md).
public enum JobProtocol {
    public static let version = 1
    /// Where jobs keep their objects unless a job says otherwise.
    public static let defaultJobsPrefix = "oraclefn.jobs/"
    /// Inputs up to this many bytes travel inline in the envelope.
    public static let inlineInputLimit = 256 * 1024
    /// An envelope stays under this many bytes; inputs that would pass it are read from storage instead.
    public static let envelopeLimit = 5 * 1024 * 1024
    /// Oracle's limit on an invocation's request and response bodies.
    public static let invokeBodyLimit = FunctionsInvokeClient.maxPayloadBytes
    /// Outputs up to this many bytes come back inline in the status object.
    public static let outputInlineLimit = 64 * 1024

    /// The call id of input `index`: zero-padded to 5 digits, more digits past 99,999.
    public static func callId(_ index: Int) -> String {
        let digits = String(index)
        return digits.count >= 5 ? digits : String(repeating: "0", count: 5 - digits.count) + digits
    }

    /// The input index a call id names, or nil when it is not a call id.
    public static func callIndex(_ callId: String) -> Int? {
        guard callId.utf8.count >= 5, callId.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(callId)
    }

    /// 16 lowercase hex characters from 64 random bits.
    public static func newJobId(random: UInt64) -> String {
        let hex = String(random, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public static func isJobId(_ text: String) -> Bool {
        text.utf8.count == 16 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// Where a job's objects are: the names under its prefix (`<jobs_prefix><job_id>/`).
public struct JobLayout: Sendable, Equatable {
    public let prefix: String

    public init(jobsPrefix: String = JobProtocol.defaultJobsPrefix, jobId: String) {
        let base = jobsPrefix.isEmpty || jobsPrefix.hasSuffix("/") ? jobsPrefix : jobsPrefix + "/"
        self.prefix = base + jobId + "/"
    }

    /// The layout under a job's prefix as an envelope gives it (`storage.prefix`).
    public init(prefix: String) {
        self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
    }

    public var manifest: String { prefix + "manifest.json" }
    /// How far sending the job's invocations has got (`DispatchMark`).
    public var dispatched: String { prefix + "dispatched.json" }
    /// All inputs of the job, one after the other; the manifest says where each starts.
    public var inputs: String { prefix + "inputs" }
    public var statusPrefix: String { prefix + "status/" }
    public func status(_ callId: String) -> String { statusPrefix + callId + ".json" }
    public func output(_ callId: String) -> String { prefix + "output/" + callId }

    /// The call id of a status object's name, or nil for any other name.
    public func callId(ofStatus name: String) -> String? {
        guard name.hasPrefix(statusPrefix), name.hasSuffix(".json") else { return nil }
        let callId = String(name.dropFirst(statusPrefix.count).dropLast(".json".count))
        return JobProtocol.callIndex(callId) == nil ? nil : callId
    }
}

/// How results come back: through Object Storage (detached) or in the invocation's response (sync); the
/// invoke type of the Functions client.
public typealias InvokeMode = OFServices.InvokeMode

/// Bytes carried inline (base64 in JSON) or stored in an object (a range of it when `offset` is given).
public enum Payload: Sendable, Equatable, Codable {
    case inline([UInt8])
    case object(name: String, offset: Int?, size: Int)

    private enum Keys: String, CodingKey { case inline, object, offset, size }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        if let text = try container.decodeIfPresent(String.self, forKey: .inline) {
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorruptedError(forKey: .inline, in: container, debugDescription: "\"inline\" is not base64")
            }
            self = .inline([UInt8](data))
        } else {
            self = .object(
                name: try container.decode(String.self, forKey: .object),
                offset: try container.decodeIfPresent(Int.self, forKey: .offset),
                size: try container.decode(Int.self, forKey: .size))
        }
    }

    /// The bytes of an `.object` payload's object to read: its range when it has an offset, nil for the whole
    /// object. Throws when the offset or size cannot name bytes (negative, or past the largest offset).
    public static func range(offset: Int?, size: Int) throws(PayloadError) -> Range<Int>? {
        guard let offset else { return nil }
        let (end, overflow) = offset.addingReportingOverflow(size)
        guard offset >= 0, size >= 0, !overflow else { throw PayloadError(offset: offset, size: size) }
        return offset..<end
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .inline(let bytes):
            try container.encode(Data(bytes).base64EncodedString(), forKey: .inline)
        case .object(let name, let offset, let size):
            try container.encode(name, forKey: .object)
            try container.encodeIfPresent(offset, forKey: .offset)
            try container.encode(size, forKey: .size)
        }
    }
}

/// A stored payload whose offset and size name no bytes.
public struct PayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let size: Int
    public var description: String { "offset \(offset) and size \(size) name no bytes of an object; both must be 0 or more" }
}

/// Where a job keeps its objects, as the envelope and the manifest tell it.
public struct StorageLocation: Sendable, Equatable, Codable {
    /// The Object Storage endpoint a worker should use; absent: its region's.
    public var endpoint: String?
    public var namespace: String
    public var bucket: String
    public var prefix: String

    public init(endpoint: String?, namespace: String, bucket: String, prefix: String) {
        self.endpoint = endpoint
        self.namespace = namespace
        self.bucket = bucket
        self.prefix = prefix
    }
}

/// All inputs of a detached job in one object: input `i` is the bytes `offsets[i]..<offsets[i+1]`.
public struct StoredInputs: Sendable, Equatable, Codable {
    public var object: String
    public var offsets: [Int]

    public init(object: String, offsets: [Int]) {
        self.object = object
        self.offsets = offsets
    }

    /// The payload naming input `index`, or nil when the offsets do not cover it. A manifest read back from a
    /// bucket may hold any numbers: offsets that are negative or go back name nothing (and cannot overflow).
    public func payload(_ index: Int) -> Payload? {
        guard index >= 0, index < offsets.count - 1 else { return nil }
        let (start, end) = (offsets[index], offsets[index + 1])
        guard start >= 0, start <= end else { return nil }
        return .object(name: object, offset: start, size: end - start)
    }
}

/// `<prefix>manifest.json`: what a new process needs to collect a detached job.
public struct JobManifest: Sendable, Equatable, Codable {
    public var oraclefn: Int
    public var jobId: String
    public var functionId: String
    public var totalCalls: Int
    public var chunksize: Int
    public var mode: InvokeMode
    public var created: Double
    public var storage: StorageLocation
    /// Absent when the job has no inputs.
    public var inputs: StoredInputs?

    enum CodingKeys: String, CodingKey {
        case oraclefn, mode, created, storage, inputs, chunksize
        case jobId = "job_id", functionId = "function_id", totalCalls = "total_calls"
    }

    public init(
        jobId: String, functionId: String, totalCalls: Int, chunksize: Int, mode: InvokeMode, created: Double,
        storage: StorageLocation, inputs: StoredInputs?
    ) {
        self.oraclefn = JobProtocol.version
        self.jobId = jobId
        self.functionId = functionId
        self.totalCalls = totalCalls
        self.chunksize = chunksize
        self.mode = mode
        self.created = created
        self.storage = storage
        self.inputs = inputs
    }
}

/// `<prefix>dispatched.json`: how far the engine got sending a detached job, so a process attaching after it died
/// sends at once what it never sent, instead of waiting a call timeout for statuses that cannot come.
public struct DispatchMark: Sendable, Equatable, Codable {
    public var oraclefn: Int
    public var jobId: String
    /// Invocations `0..<acceptedInvocations` (of `chunksize` consecutive calls each) were each accepted at least once.
    public var acceptedInvocations: Int

    enum CodingKeys: String, CodingKey {
        case oraclefn
        case jobId = "job_id", acceptedInvocations = "accepted_invocations"
    }

    public init(jobId: String, acceptedInvocations: Int) {
        self.oraclefn = JobProtocol.version
        self.jobId = jobId
        self.acceptedInvocations = acceptedInvocations
    }
}

/// One call of an envelope.
public struct EnvelopeCall: Sendable, Equatable, Codable {
    public var callId: String
    public var input: Payload

    enum CodingKeys: String, CodingKey {
        case callId = "call_id", input
    }

    public init(callId: String, input: Payload) {
        self.callId = callId
        self.input = input
    }
}

/// The request body of every invocation.
public struct Envelope: Sendable, Equatable, Codable {
    public var oraclefn: Int
    public var jobId: String
    public var mode: InvokeMode
    public var calls: [EnvelopeCall]
    public var storage: StorageLocation?
    public var outputInlineLimit: Int
    /// The engine's clock when it sent the invocation, seconds since the epoch.
    public var submitted: Double
    /// Which send of these calls this is, from 1. A worker given a later one skips a detached call whose status
    /// exists: an earlier invocation ran it.
    public var attempt: Int
    /// Seconds each call may run before the worker stops it and reports a `TimeoutError`; nil: no limit but the
    /// function's own timeout.
    public var executionTimeout: Double?

    enum CodingKeys: String, CodingKey {
        case oraclefn, mode, calls, storage, submitted, attempt
        case jobId = "job_id", outputInlineLimit = "output_inline_limit", executionTimeout = "execution_timeout"
    }

    public init(
        jobId: String, mode: InvokeMode, calls: [EnvelopeCall], storage: StorageLocation?,
        outputInlineLimit: Int = JobProtocol.outputInlineLimit, submitted: Double, attempt: Int = 1,
        executionTimeout: Double? = nil
    ) {
        self.oraclefn = JobProtocol.version
        self.jobId = jobId
        self.mode = mode
        self.calls = calls
        self.storage = storage
        self.outputInlineLimit = outputInlineLimit
        self.submitted = submitted
        self.attempt = attempt
        self.executionTimeout = executionTimeout
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        oraclefn = try container.decode(Int.self, forKey: .oraclefn)
        jobId = try container.decode(String.self, forKey: .jobId)
        mode = try container.decode(InvokeMode.self, forKey: .mode)
        calls = try container.decode([EnvelopeCall].self, forKey: .calls)
        storage = try container.decodeIfPresent(StorageLocation.self, forKey: .storage)
        outputInlineLimit = try container.decode(Int.self, forKey: .outputInlineLimit)
        submitted = try container.decode(Double.self, forKey: .submitted)
        // envelopes of engines before these fields: a first send, without a limit
        attempt = try container.decodeIfPresent(Int.self, forKey: .attempt) ?? 1
        executionTimeout = try container.decodeIfPresent(Double.self, forKey: .executionTimeout)
    }
}

/// What a function raised, as the worker reports it.
public struct FunctionError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    public var type: String
    public var message: String
    public var traceback: String?
    /// The exception in the worker language's own serialization (base64), passed on untouched so a client in that
    /// language can raise it again.
    public var serialized: String?

    public init(type: String, message: String, traceback: String? = nil, serialized: String? = nil) {
        self.type = type
        self.message = message
        self.traceback = traceback
        self.serialized = serialized
    }

    public var description: String { "\(type): \(message)" }
}

/// The worker's clock at the steps of a call, seconds since the epoch.
public struct WorkerTimings: Sendable, Equatable, Codable {
    public var workerStart: Double?
    public var functionStart: Double?
    public var functionEnd: Double?
    public var workerEnd: Double?

    enum CodingKeys: String, CodingKey {
        case workerStart = "worker_start", functionStart = "function_start"
        case functionEnd = "function_end", workerEnd = "worker_end"
    }

    public init(workerStart: Double? = nil, functionStart: Double? = nil, functionEnd: Double? = nil, workerEnd: Double? = nil) {
        self.workerStart = workerStart
        self.functionStart = functionStart
        self.functionEnd = functionEnd
        self.workerEnd = workerEnd
    }
}

/// Where a call ran.
public struct WorkerInfo: Sendable, Equatable, Codable {
    public var fnCallId: String?
    public var host: String?
    public var pid: Int?
    public var cold: Bool?

    enum CodingKeys: String, CodingKey {
        case fnCallId = "fn_call_id", host, pid, cold
    }

    public init(fnCallId: String? = nil, host: String? = nil, pid: Int? = nil, cold: Bool? = nil) {
        self.fnCallId = fnCallId
        self.host = host
        self.pid = pid
        self.cold = cold
    }
}

/// `<prefix>status/<call_id>.json`, and each entry of a sync answer: how one call ended.
public struct CallStatus: Sendable, Equatable, Codable {
    public var oraclefn: Int
    public var jobId: String
    public var callId: String
    public var ok: Bool
    /// With `ok`; nil when the function returned nothing.
    public var output: Payload?
    /// Without `ok`.
    public var error: FunctionError?
    public var timings: WorkerTimings?
    public var worker: WorkerInfo?
    public var logs: String?

    enum CodingKeys: String, CodingKey {
        case oraclefn, ok, output, error, timings, worker, logs
        case jobId = "job_id", callId = "call_id"
    }

    public init(
        jobId: String, callId: String, ok: Bool, output: Payload?, error: FunctionError?, timings: WorkerTimings?,
        worker: WorkerInfo?, logs: String?
    ) {
        self.oraclefn = JobProtocol.version
        self.jobId = jobId
        self.callId = callId
        self.ok = ok
        self.output = output
        self.error = error
        self.timings = timings
        self.worker = worker
        self.logs = logs
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(oraclefn, forKey: .oraclefn)
        try container.encode(jobId, forKey: .jobId)
        try container.encode(callId, forKey: .callId)
        try container.encode(ok, forKey: .ok)
        if ok {
            // "output": null says the function returned nothing
            try container.encode(output, forKey: .output)
        } else {
            try container.encodeIfPresent(error, forKey: .error)
        }
        try container.encodeIfPresent(timings, forKey: .timings)
        try container.encodeIfPresent(worker, forKey: .worker)
        try container.encodeIfPresent(logs, forKey: .logs)
    }
}

/// The response body of a sync invocation.
public struct SyncAnswer: Sendable, Equatable, Codable {
    public var oraclefn: Int
    public var jobId: String
    public var results: [CallStatus]

    enum CodingKeys: String, CodingKey {
        case oraclefn, results
        case jobId = "job_id"
    }

    public init(jobId: String, results: [CallStatus]) {
        self.oraclefn = JobProtocol.version
        self.jobId = jobId
        self.results = results
    }
}
