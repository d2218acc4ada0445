// Map jobs from C: an engine per configuration, jobs submitted, waited on, read and freed.
import COraclefnTypes
import Glibc
import OFConfig
import OFEngine
import OFLocking

final class EngineHandle: Handle {
    let engine: Engine
    init(_ engine: Engine) { self.engine = engine }
}

final class JobHandle: Handle {
    let job: MapJob
    let gate: ProgressGate
    init(_ job: MapJob, _ gate: ProgressGate) {
        self.job = job
        self.gate = gate
    }
}

/// Delivers progress to a C callback until closed; closing waits for a
/// delivery under way, so no callback runs once ofn_job_free() has returned.
final class ProgressGate: Sendable {
    private struct State {
        var open = true
        var running = 0
    }
    private let state = Locked(State())
    private let callback: ofn_progress_fn?
    private let userData: UserData

    struct UserData: @unchecked Sendable { let raw: UnsafeMutableRawPointer? }

    init(_ callback: ofn_progress_fn?, _ userData: UnsafeMutableRawPointer?) {
        self.callback = callback
        self.userData = UserData(raw: userData)
    }

    func deliver(_ p: JobProgress) {
        guard let callback, state.withLock({ s in s.open ? (s.running += 1, true).1 : false }) else { return }
        callback(userData.raw, max(0, p.done), max(0, p.failed), max(0, p.total))
        state.withLock { $0.running -= 1 }
    }

    func close() {
        state.withLock { $0.open = false }
        while state.withLock({ $0.running > 0 }) { usleep(500) }
    }
}

/// An engine over a session: its signing threads send through the session's
/// HTTP client with its credentials, for every job it runs. Free it with
/// ofn_engine_free(); jobs it started keep running.
@c(ofn_engine_new)
public func ofnEngineNew(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ session: OpaquePointer?) -> ofn_status {
    guarded {
        guard let out else { throw CError.invalid("out must not be NULL") }
        out.pointee = nil
        out.pointee = EngineHandle(try Engine(session: try SessionHandle.session(session))).register()
    }
}

@c(ofn_engine_free)
public func ofnEngineFree(_ engine: OpaquePointer?) { Handle.release(engine, as: EngineHandle.self) }

/// Starts a map job: `function` (a function OCID or the name of a deployed
/// function) over `count` inputs. `options_json` (NULL for the defaults) is
/// a JSON object with any of: "mode" ("detached" or "sync"), "format"
/// ("envelope", the job protocol, or "raw": each input is the body of its own
/// sync call), "max_workers", "chunksize", "call_timeout" (seconds),
/// "execution_timeout" (seconds a call may run before its worker stops it),
/// "at_least_once" (true: a call may be sent again while an earlier
/// invocation of it may still run), "retries", "throttle_retries", "bucket",
/// "jobs_prefix". `progress` (may be NULL) is
/// called with `user_data` as calls end. Returns at once; free the job with
/// ofn_job_free().
@c(ofn_job_submit)
public func ofnJobSubmit(
    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ engine: OpaquePointer?, _ function: UnsafePointer<CChar>?,
    _ inputs: UnsafePointer<ofn_bytes>?, _ count: Int, _ optionsJSON: UnsafePointer<CChar>?,
    _ progress: ofn_progress_fn?, _ userData: UnsafeMutableRawPointer?
) -> ofn_status {
    guarded {
        guard let out else { throw CError.invalid("out must not be NULL") }
        out.pointee = nil
        let handle = try Handle.borrow(engine, as: EngineHandle.self, "engine")
        let function = try Marshal.string(function, "function")  // Engine.map checks its length
        guard count >= 0 else { throw CError.invalid("count is \(count); pass the number of inputs") }
        guard count <= Marshal.maxLength / MemoryLayout<ofn_bytes>.stride else {
            throw CError.invalid("count is \(count), more inputs than memory can hold; pass the number of inputs")
        }
        guard count == 0 || inputs != nil else { throw CError.invalid("inputs is NULL but count is \(count)") }
        var copies: [[UInt8]] = []
        for i in 0..<count {
            let item = inputs.map { $0[i] } ?? ofn_bytes(ptr: nil, size: 0)
            copies.append(try Marshal.bytes(item.ptr, Int(clamping: item.size), "inputs[\(i)]"))
        }
        let options = try JobOptionsJSON.parse(try Marshal.options(optionsJSON))
        let gate = ProgressGate(progress, userData)
        let job = try handle.engine.map(function: function, inputs: copies, options: options) { gate.deliver($0) }
        out.pointee = JobHandle(job, gate).register()
    }
}

/// Collects a detached job another process started, by its id (see
/// ofn_job_id()). Options as for ofn_job_submit(); the rest comes from the
/// job's manifest.
@c(ofn_job_attach)
public func ofnJobAttach(
    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ engine: OpaquePointer?, _ jobId: UnsafePointer<CChar>?,
    _ optionsJSON: UnsafePointer<CChar>?, _ progress: ofn_progress_fn?, _ userData: UnsafeMutableRawPointer?
) -> ofn_status {
    guarded {
        guard let out else { throw CError.invalid("out must not be NULL") }
        out.pointee = nil
        let handle = try Handle.borrow(engine, as: EngineHandle.self, "engine")
        let id = try Marshal.string(jobId, "job_id", limit: Marshal.nameLimit)
        let options = try JobOptionsJSON.parse(try Marshal.options(optionsJSON))
        let gate = ProgressGate(progress, userData)
        let job = try handle.engine.attach(jobId: id, options: options) { gate.deliver($0) }
        out.pointee = JobHandle(job, gate).register()
    }
}

/// Waits until every call of the job has ended (OFN_OK) or `timeout_ms` has
/// passed (OFN_ETIMEOUT); a negative timeout waits as long as it takes. Any
/// thread may wait, several at once.
@c(ofn_job_wait)
public func ofnJobWait(_ job: OpaquePointer?, _ timeoutMs: Int64) -> ofn_status {
    guarded {
        let handle = try Handle.borrow(job, as: JobHandle.self, "job")
        let timeout: Duration? = timeoutMs < 0 ? nil : .milliseconds(timeoutMs)
        guard handle.job.wait(timeout: timeout) else {
            throw CError(status: OFN_ETIMEOUT, message: "the job has not finished after \(timeoutMs) ms; wait again, or cancel it")
        }
    }
}

/// Calls ended (done, failed ones included), failed and in all, at this moment.
@c(ofn_job_progress)
public func ofnJobProgress(
    _ done: UnsafeMutablePointer<Int>?, _ failed: UnsafeMutablePointer<Int>?, _ total: UnsafeMutablePointer<Int>?,
    _ job: OpaquePointer?
) -> ofn_status {
    guarded {
        let p = try Handle.borrow(job, as: JobHandle.self, "job").job.progress
        done?.pointee = p.done
        failed?.pointee = p.failed
        total?.pointee = p.total
    }
}

/// The job's id (16 hex characters), for ofn_job_attach().
@c(ofn_job_id)
public func ofnJobId(_ out: UnsafeMutablePointer<ofn_buf>?, _ job: OpaquePointer?) -> ofn_status {
    guarded { try Marshal.fill(out, try Handle.borrow(job, as: JobHandle.self, "job").job.id) }
}

/// OFN_OK when the job ran (each call has its own outcome), or why the job
/// as a whole failed: its function not found, its manifest missing, cancelled.
@c(ofn_job_error)
public func ofnJobError(_ job: OpaquePointer?) -> ofn_status {
    guarded {
        if let error = try Handle.borrow(job, as: JobHandle.self, "job").job.error { throw error }
    }
}

/// The result of call `index`, as soon as that call has ended: OFN_OK with
/// the function's output in `out`; OFN_EFUNCTION when the function raised (the
/// last error's code is the error type, its message the error's); OFN_ECALL
/// when the call got no result (the message says why); OFN_EPENDING while the
/// call runs. ofn_job_call_json() has the details.
@c(ofn_job_result)
public func ofnJobResult(_ out: UnsafeMutablePointer<ofn_buf>?, _ job: OpaquePointer?, _ index: Int) -> ofn_status {
    guarded {
        let result = try endedCall(job, index)
        switch result.outcome {
        case .value(let bytes): try Marshal.fill(out, bytes)
        case .functionError(let e):
            var error = CError(status: OFN_EFUNCTION, message: "call \(result.callId): \(e.type): \(e.message)")
            error.code = e.type
            throw error
        case .failure(let why): throw CError(status: OFN_ECALL, message: "call \(result.callId): \(why)")
        }
    }
}

/// Call `index`, once it has ended (else OFN_EPENDING), as a JSON object: "call_id", "index",
/// "ok", "error" ({"type", "message", "traceback"}) or "failure" (text),
/// "attempts", "timings" (seconds since the epoch: "submitted", "accepted",
/// "worker_start", "worker_end", "status_seen", "result_fetched") and "logs".
/// The output itself is left to ofn_job_result().
@c(ofn_job_call_json)
public func ofnJobCallJSON(_ out: UnsafeMutablePointer<ofn_buf>?, _ job: OpaquePointer?, _ index: Int) -> ofn_status {
    guarded { try Marshal.fill(out, JobJSON.call(try endedCall(job, index)).json) }
}

/// The job's statistics as a JSON object: calls by outcome, invocations,
/// retries, throttles, duplicates ignored, status listings, duration.
@c(ofn_job_stats_json)
public func ofnJobStatsJSON(_ out: UnsafeMutablePointer<ofn_buf>?, _ job: OpaquePointer?) -> ofn_status {
    guarded { try Marshal.fill(out, JobJSON.stats(try Handle.borrow(job, as: JobHandle.self, "job").job.stats).json) }
}

/// Stops the job: nothing more is sent, and every call not ended yet ends
/// as cancelled (OFN_ECALL). Safe from any thread and from the callback.
@c(ofn_job_cancel)
public func ofnJobCancel(_ job: OpaquePointer?) -> ofn_status {
    guarded { try Handle.borrow(job, as: JobHandle.self, "job").job.cancel() }
}

/// Releases the job handle; its progress callback is not called again once
/// this returns. A job not finished keeps running unless cancelled first.
@c(ofn_job_free)
public func ofnJobFree(_ job: OpaquePointer?) {
    guard let handle = try? Handle.borrow(job, as: JobHandle.self, "job") else { return }
    handle.gate.close()
    Handle.release(job, as: JobHandle.self)
}

private func endedCall(_ job: OpaquePointer?, _ index: Int) throws -> CallResult {
    let job = try Handle.borrow(job, as: JobHandle.self, "job").job
    if let result = job.result(at: index) { return result }
    let total = job.progress.total
    guard (0..<total).contains(index) else {
        throw CError.invalid("index \(index) is out of range: the job has \(total) calls")
    }
    throw CError(status: OFN_EPENDING, message: "call \(index) has not ended yet; wait for the job (ofn_job_wait) or ask again later")
}
