import Foundation
import OFEngine
import OFTransport

/// Reads and writes a job's objects for the worker.
protocol WorkerStorage: Sendable {
    func get(_ name: String, range: Range<Int>?) async throws -> [UInt8]
    func put(_ name: String, _ bytes: [UInt8]) async throws
    func exists(_ name: String) async throws -> Bool
}

/// The native worker (`oraclefn-fdk worker`, image `oraclefn/worker`): follows the job protocol
/// (docs/protocol.md). Each call of an envelope runs its `WorkerDirective`, all calls of an envelope at once;
/// a detached call's output (when large) and status go to the job's prefix, a sync envelope is answered with
/// every status.
struct ProtocolWorker: Sendable {
    /// Opens the job's storage from the envelope's `storage`.
    let storage: @Sendable (StorageLocation) throws -> any WorkerStorage
    let clock: @Sendable () -> Double
    let host: String
    let pid: Int

    /// An answer for the FDK: the status to return and the body.
    struct Answer: Sendable {
        let status: Int
        let body: [UInt8]
    }

    /// `{"oraclefn": 1, "get_metadata": true}`: what the worker is, asked by `oraclefn runtime deploy`.
    private struct MetadataRequest: Decodable {
        let getMetadata: Bool?
        enum CodingKeys: String, CodingKey { case getMetadata = "get_metadata" }
    }

    private struct Metadata: Encodable {
        let oraclefn = JobProtocol.version
        let worker = "native"
        let version = String(describing: LibraryVersion.string)
    }

    func answer(_ body: [UInt8], fnCallId: String, cold: Bool) async -> Answer {
        if (try? JSONDecoder().decode(MetadataRequest.self, from: Data(body)))?.getMetadata == true {
            return Answer(status: 200, body: (try? Array(JSONEncoder().encode(Metadata()))) ?? [])
        }
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: Data(body))
        } catch {
            return Answer(status: 502, body: Array("oraclefn worker: the body is not a job protocol envelope: \(error)".utf8))
        }
        let workerStart = clock()
        let jobStorage: (any WorkerStorage)?
        do {
            jobStorage = try envelope.storage.map(storage)
        } catch {
            return Answer(status: 502, body: Array("oraclefn worker: cannot reach the job's storage: \(error)".utf8))
        }
        if envelope.mode == .detached, jobStorage == nil {
            return Answer(status: 502, body: Array("oraclefn worker: a detached envelope must give the job's storage".utf8))
        }
        let info = WorkerInfo(fnCallId: fnCallId, host: host, pid: pid, cold: cold)
        let outcomes = await withTaskGroup(of: (Int, Result<CallStatus, WorkerError>)?.self) { group in
            for (position, call) in envelope.calls.enumerated() {
                group.addTask {
                    if await self.ranBefore(call, of: envelope, storage: jobStorage) { return nil }
                    let status = await self.run(call, of: envelope, storage: jobStorage, info: info, workerStart: workerStart)
                    guard envelope.mode == .detached, let jobStorage, let location = envelope.storage else { return (position, .success(status)) }
                    // the status goes last, as soon as the call has ended: once it exists, its output does
                    do {
                        try await jobStorage.put(JobLayout(prefix: location.prefix).status(status.callId), [UInt8](try JSONEncoder().encode(status)))
                        return (position, .success(status))
                    } catch {
                        return (position, .failure(WorkerError("cannot write the status of call \(status.callId): \(error)")))
                    }
                }
            }
            var outcomes = [Result<CallStatus, WorkerError>?](repeating: nil, count: envelope.calls.count)
            for await case let (position, outcome)? in group { outcomes[position] = outcome }
            return outcomes.compactMap { $0 }
        }
        var statuses: [CallStatus] = []
        for outcome in outcomes {
            switch outcome {
            case .success(let status): statuses.append(status)
            case .failure(let error): return Answer(status: 502, body: Array("oraclefn worker: \(error)".utf8))
            }
        }
        guard envelope.mode == .sync else {
            return Answer(status: 200, body: Array(#"{"oraclefn":1,"calls":\#(statuses.count)}"#.utf8))
        }
        let answer = await syncAnswer(envelope, statuses: statuses, storage: jobStorage)
        do {
            return Answer(status: 200, body: [UInt8](try JSONEncoder().encode(answer)))
        } catch {
            return Answer(status: 502, body: Array("oraclefn worker: cannot encode the answer: \(error)".utf8))
        }
    }

    /// Whether an earlier invocation ran this detached call to its end: its status exists. Only a later send
    /// asks; a check that fails runs the call, as the engine counts a call once.
    private func ranBefore(_ call: EnvelopeCall, of envelope: Envelope, storage: (any WorkerStorage)?) async -> Bool {
        guard envelope.mode == .detached, envelope.attempt > 1, let storage, let location = envelope.storage else { return false }
        return (try? await storage.exists(JobLayout(prefix: location.prefix).status(call.callId))) ?? false
    }

    /// Runs the call's directive; past `limit` seconds it is stopped and fails with a `TimeoutError`.
    private static func run(_ input: [UInt8], within limit: Double?) async -> Result<[UInt8], FunctionError> {
        guard let limit else { return await WorkerDirective(input: input).run() }
        return await withTaskGroup(of: Result<[UInt8], FunctionError>?.self) { group in
            group.addTask { await WorkerDirective(input: input).run() }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int64(limit * 1000)))
                guard !Task.isCancelled else { return nil }
                let seconds = limit == limit.rounded() && limit < 1e15 ? String(Int64(limit)) : String(limit)
                return .failure(FunctionError(type: "TimeoutError", message: "the call ran past its execution timeout of \(seconds) s and was stopped"))
            }
            for await case let result? in group {
                group.cancelAll()
                return result
            }
            return .failure(FunctionError(type: "TimeoutError", message: "the call was stopped"))
        }
    }

    /// Runs one call; a detached call's large output is stored before its status is made.
    private func run(_ call: EnvelopeCall, of envelope: Envelope, storage: (any WorkerStorage)?, info: WorkerInfo, workerStart: Double) async -> CallStatus {
        func status(ok: Bool, output: Payload? = nil, error: FunctionError? = nil, timings: WorkerTimings) -> CallStatus {
            CallStatus(jobId: envelope.jobId, callId: call.callId, ok: ok, output: output, error: error, timings: timings, worker: info, logs: nil)
        }
        var timings = WorkerTimings(workerStart: workerStart)
        guard envelope.oraclefn == JobProtocol.version else {
            timings.workerEnd = clock()
            return status(ok: false, error: FunctionError(type: "ProtocolVersion", message: "this worker speaks job protocol version \(JobProtocol.version), not \(envelope.oraclefn)"), timings: timings)
        }
        let input: [UInt8]
        switch call.input {
        case .inline(let bytes):
            input = bytes
        case .object(let name, let offset, let size):
            do {
                guard let storage else { throw WorkerError("the envelope names no storage to read \(name) from") }
                input = try await storage.get(name, range: try Payload.range(offset: offset, size: size))
            } catch {
                timings.workerEnd = clock()
                return status(ok: false, error: FunctionError(type: "InputUnavailable", message: "cannot read the input \(name): \(error)"), timings: timings)
            }
        }
        timings.functionStart = clock()
        let result = await Self.run(input, within: envelope.executionTimeout)
        timings.functionEnd = clock()
        switch result {
        case .failure(let error):
            timings.workerEnd = clock()
            return status(ok: false, error: error, timings: timings)
        case .success(let output):
            var payload = Payload.inline(output)
            if envelope.mode == .detached, output.count > envelope.outputInlineLimit {
                do {
                    guard let storage, let location = envelope.storage else { throw WorkerError("the envelope names no storage") }
                    let name = JobLayout(prefix: location.prefix).output(call.callId)
                    try await storage.put(name, output)
                    payload = .object(name: name, offset: nil, size: output.count)
                } catch {
                    timings.workerEnd = clock()
                    return status(ok: false, error: FunctionError(type: "OutputUnavailable", message: "cannot store the output of \(output.count) bytes: \(error)"), timings: timings)
                }
            }
            timings.workerEnd = clock()
            return status(ok: true, output: output.isEmpty ? nil : payload, timings: timings)
        }
    }

    /// A sync answer must fit in Oracle's 6 MB response: outputs that do not are stored when the envelope gives
    /// storage, and fail otherwise.
    private func syncAnswer(_ envelope: Envelope, statuses: [CallStatus], storage: (any WorkerStorage)?) async -> SyncAnswer {
        var budget = JobProtocol.invokeBodyLimit - 4096
        var answered: [CallStatus] = []
        for var status in statuses {
            if case .inline(let bytes)? = status.output {
                let encoded = 4 * ((bytes.count + 2) / 3) + 512
                if encoded <= budget {
                    budget -= encoded
                } else if let storage, let location = envelope.storage {
                    let name = JobLayout(prefix: location.prefix).output(status.callId)
                    do {
                        try await storage.put(name, bytes)
                        status.output = .object(name: name, offset: nil, size: bytes.count)
                    } catch {
                        status = CallStatus(jobId: status.jobId, callId: status.callId, ok: false, output: nil, error: FunctionError(type: "OutputUnavailable", message: "cannot store the output of \(bytes.count) bytes: \(error)"), timings: status.timings, worker: status.worker, logs: nil)
                    }
                } else {
                    status = CallStatus(jobId: status.jobId, callId: status.callId, ok: false, output: nil, error: FunctionError(type: "OutputTooLarge", message: "the output of \(bytes.count) bytes does not fit in the 6 MB sync answer and the job gives no storage; give the job a bucket"), timings: status.timings, worker: status.worker, logs: nil)
                }
            }
            answered.append(status)
        }
        return SyncAnswer(jobId: envelope.jobId, results: answered)
    }
}

struct WorkerError: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
