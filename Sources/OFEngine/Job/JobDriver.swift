import OFLocking
import FoundationEssentials
import OFTransport

/// What a job needs from its engine.
struct JobServices: Sendable {
    let pool: SigningPool
    let objects: any JobObjects
    let functions: any FunctionDirectory
    let clock: EngineClock
    /// Uniform in [0, 1), for backoff jitter.
    let random: @Sendable () -> Double
}

/// Runs one job on a thread of its own. Everything that happens to the job (an answer, a listing, a status
/// read, a cancel) arrives as an event in its queue; the thread applies the events to the job's state,
/// sends what the schedule allows, starts the next listing when it is due, and publishes progress. Only this
/// thread touches the state, so the rules stay simple and every call is counted once.
final class JobDriver: @unchecked Sendable {
    enum Event: Sendable {
        case prepared(Result<PreparedJob, EngineError>)
        case sent(invocation: Int, attempt: Int, TransferToken)
        case invoked(invocation: Int, attempt: Int, Result<HTTPResponse, any Error>)
        case scanned(Result<[String], EngineError>)
        case statusRead(call: Int, Result<[UInt8], EngineError>)
        case outputRead(call: Int, Result<[UInt8], EngineError>)
        case marked(acceptedInvocations: Int, Result<Void, EngineError>)
        case cancel
    }

    private enum Phase { case preparing, running, finished }

    /// Status objects read at once, at most.
    static let concurrentReads = 32
    /// Listing again after this long when the last listing found something, doubling up to `slowestPoll`.
    static let fastestPoll = 0.05
    static let slowestPoll = 2.0
    /// A listed status that cannot be read is tried again this many times before its call fails.
    static let statusReadAttempts = 3
    /// Seconds between two writes of the dispatch mark while sending goes on.
    static let markInterval = 1.0

    let spec: JobSpec
    let snapshot: Monitor<JobSnapshot>
    private let services: JobServices
    private let events = Monitor<[Event]>([])
    private let onProgress: (@Sendable (JobProgress) -> Void)?
    /// Calls ended since the handle last saw the job.
    private var endedSincePublish: [Int] = []
    private let started: Double

    // The driver thread's state.
    private var phase = Phase.preparing
    private var prepared: PreparedJob?
    private var schedule: InvocationSchedule
    private var calls = CallTable(count: 0)
    private var transfers: [Int: TransferToken] = [:]
    private var scan = ScanState()
    private var reads = ReadQueue()
    private var listings = 0
    private var objectsRead = 0
    private var lastProgress: JobProgress?
    private var lastListingError: EngineError?
    private var mark = MarkState()

    init(spec: JobSpec, services: JobServices, onProgress: (@Sendable (JobProgress) -> Void)?) {
        self.spec = spec
        self.services = services
        self.onProgress = onProgress
        self.started = services.clock.monotonic()
        self.schedule = InvocationSchedule(totalCalls: 0, chunksize: 1, limits: spec.limits)
        let total = spec.inputs?.count ?? 0
        self.calls = CallTable(count: total)
        self.snapshot = Monitor(JobSnapshot(progress: JobProgress(done: 0, failed: 0, total: total), stats: JobStatistics()))
    }

    /// Starts the job's thread.
    func start() throws(TransportError) {
        let thread = try NativeThread { self.run() }
        thread.detach()
    }

    func post(_ event: Event) {
        events.update { $0.append(event) }
    }

    /// Queues an event without waking the thread: for what can wait until the next event that does wake it.
    private func postQuietly(_ event: Event) {
        events.withLock { $0.append(event) }
    }

    // MARK: - The loop

    private func run() {
        startPreparation()
        while phase != .finished {
            let timeout = nextWakeUp().map { max(0, $0 - services.clock.monotonic()) }
            let batch = events.wait(timeout: timeout) { queue -> [Event]? in
                guard !queue.isEmpty else { return nil }
                defer { queue.removeAll(keepingCapacity: true) }
                return queue
            } ?? []
            for event in batch where phase != .finished { handle(event) }
            if phase == .running { step() }
            publish()
        }
    }

    private func nextWakeUp() -> Double? {
        guard phase == .running else { return nil }
        let listing = needsListing && !scan.inProgress ? scan.nextAt : nil
        return [schedule.nextWakeUp, listing, markDue].compactMap { $0 }.min()
    }

    private func handle(_ event: Event) {
        switch event {
        case .prepared(.success(let job)): begin(job)
        case .prepared(.failure(let error)): failJob(error)
        case .sent(let invocation, let attempt, let token):
            if schedule.isSending(invocation, attempt: attempt) { transfers[invocation] = token }
        case .invoked(let invocation, let attempt, let result): invoked(invocation, attempt: attempt, result)
        case .scanned(let result): scanned(result)
        case .statusRead(let call, let result): statusRead(call, result)
        case .outputRead(let call, let result): outputRead(call, result)
        case .marked(let accepted, let result): mark.completed(accepted, result)
        case .cancel: failJob(EngineError(.cancelled, "the job was cancelled before this call ended"))
        }
    }

    /// Sends what is due, starts a listing or reads, and ends the job once every call has.
    private func step() {
        let now = services.clock.monotonic()
        failCalls(schedule.expire(now: now, random: services.random()))
        while let send = schedule.nextSend(now: now) { dispatch(send) }
        if needsListing, !scan.inProgress, scan.nextAt <= now { startListing() }
        startReads()
        if let due = markDue, due <= now { writeMark(now: now) }
        if calls.isComplete { finish() }
    }

    // MARK: - Preparing

    private func startPreparation() {
        let spec = self.spec
        let services = self.services
        let now = services.clock.wall()
        Task {
            do throws(EngineError) {
                let job = try await JobPreparation.prepare(spec, objects: services.objects, functions: services.functions, now: now)
                self.post(.prepared(.success(job)))
            } catch {
                self.post(.prepared(.failure(error)))
            }
        }
    }

    private func begin(_ job: PreparedJob) {
        prepared = job
        calls = CallTable(count: job.totalCalls)
        var limits = spec.limits
        if case .success(let builder) = job.builder { limits.mayRunFor = builder.target.mayRunFor(job.mode) }
        switch spec.start {
        case .new:
            schedule = InvocationSchedule(totalCalls: job.totalCalls, chunksize: job.chunksize, limits: limits)
        case .attach:
            schedule = .attached(
                totalCalls: job.totalCalls, chunksize: job.chunksize, limits: limits, now: services.clock.monotonic(),
                acceptedInvocations: job.acceptedInvocations)
            mark.written = job.acceptedInvocations
        }
        reads = ReadQueue(count: job.totalCalls)
        phase = .running
    }

    // MARK: - Invoking

    private func dispatch(_ send: InvocationSchedule.Send) {
        let submitted = services.clock.wall()
        for call in send.calls {
            calls.attempts[call] += 1
            calls.timings[call].submitted = submitted
        }
        guard let prepared, case .success(let builder) = prepared.builder else {
            let reason: String
            if case .failure(let error)? = prepared?.builder {
                reason = "the job's function cannot be invoked again: \(error.message)"
            } else {
                reason = "the job was not prepared"
            }
            failCalls(schedule.end(send.invocation, attempt: send.attempt, .rejected(reason: reason), now: services.clock.monotonic(), random: 0))
            return
        }
        let (invocation, attempt, callList) = (send.invocation, send.attempt, send.calls)
        services.pool.submit(SigningPool.Work(
            make: { try builder.request(calls: callList, attempt: attempt, submitted: submitted) },
            // the token matters only to a cancel, which wakes the thread and finds it queued
            sent: { [weak self] token in self?.postQuietly(.sent(invocation: invocation, attempt: attempt, token)) },
            completion: { [weak self] result in self?.post(.invoked(invocation: invocation, attempt: attempt, result)) }))
    }

    private func invoked(_ invocation: Int, attempt: Int, _ result: Result<HTTPResponse, any Error>) {
        transfers[invocation] = nil
        guard let prepared, schedule.isSending(invocation, attempt: attempt) else { return }
        let now = services.clock.monotonic()
        let wall = services.clock.wall()
        let invocationCalls = schedule.invocations[invocation].calls
        let end: InvocationSchedule.AttemptEnd
        switch InvokeVerdict(result, mode: prepared.mode, format: spec.format) {
        case .cancelled:
            return
        case .accepted:
            for call in invocationCalls { calls.timings[call].accepted = wall }
            end = .accepted
        case .answered(let body):
            for call in invocationCalls { calls.timings[call].accepted = wall }
            answered(invocation, attempt: attempt, body: body, calls: invocationCalls, now: now, wall: wall)
            return
        case .functionFailed(let error):
            for call in invocationCalls {
                calls.timings[call].accepted = wall
                if calls.report(call) { finishCall(call, .functionError(error), at: wall) }
            }
            end = .answered(unanswered: [])
        case .throttled(let reason, let retryAfter):
            end = .throttled(reason: reason, retryAfter: retryAfter)
        case .notRun(let reason):
            end = .notRun(reason: reason)
        case .unanswered(let reason):
            end = .unanswered(reason: reason)
        case .failed(let reason):
            end = .failed(reason: reason)
        case .rejected(let reason):
            end = .rejected(reason: reason)
        case .fatal(let error):
            failJob(error)
            return
        }
        failCalls(schedule.end(invocation, attempt: attempt, end, now: now, random: services.random()))
    }

    /// A sync answer: a raw body is the call's value; an envelope answer holds a status per call. The attempt
    /// ends first (its place freed, the window grown), then its calls' results are taken in.
    private func answered(_ invocation: Int, attempt: Int, body: [UInt8], calls invocationCalls: [Int], now: Double, wall: Double) {
        func end(_ end: InvocationSchedule.AttemptEnd) {
            failCalls(schedule.end(invocation, attempt: attempt, end, now: now, random: services.random()))
        }
        if spec.format == .rawBody {
            end(.answered(unanswered: []))
            for call in invocationCalls where calls.report(call) { finishCall(call, .value(body), at: wall) }
            return
        }
        let answer: SyncAnswer
        do {
            answer = try JSONDecoder().decode(SyncAnswer.self, from: Data(body))
        } catch {
            let start = String(decoding: body.prefix(120), as: UTF8.self)
            return end(.rejected(reason: "the function's answer is not a job protocol answer (\(error)); it began \"\(start)\". Map with an oraclefn worker, or use the raw-body format for other functions"))
        }
        let answered = Set(answer.results.filter { $0.jobId == spec.jobId }.compactMap { JobProtocol.callIndex($0.callId) })
        end(.answered(unanswered: invocationCalls.filter { !answered.contains($0) }))
        for status in answer.results { intake(status, seenAt: nil, at: wall) }
    }

    /// Takes in a call's status (from a sync answer or a status object): the call is reported, and finished
    /// unless its output is to be read. Returns the call, or nil when the status is not one of this job's.
    @discardableResult
    private func intake(_ status: CallStatus, seenAt: Double?, at wall: Double) -> Int? {
        guard status.jobId == spec.jobId, let call = JobProtocol.callIndex(status.callId), calls.contains(call) else { return nil }
        guard calls.report(call) else { return call }
        schedule.callFinished(call)
        calls.timings[call].workerStart = status.timings?.workerStart
        calls.timings[call].workerEnd = status.timings?.workerEnd
        if let seenAt { calls.timings[call].statusSeen = seenAt }
        calls.logs[call] = status.logs
        guard status.ok else {
            let error = status.error ?? FunctionError(type: "UnknownError", message: "the worker reported a failure without saying what it was")
            finishCall(call, .functionError(error), at: wall)
            return call
        }
        switch status.output {
        case nil: finishCall(call, .value([]), at: wall)
        case .inline(let bytes): finishCall(call, .value(bytes), at: wall)
        case .object(let name, let offset, let size):
            do {
                readOutput(call, name: name, range: try Payload.range(offset: offset, size: size))
            } catch {
                finishCall(call, .failure("the worker stored its output in \(name), but \(error)"), at: wall)
            }
        }
        return call
    }

    // MARK: - The dispatch mark

    /// When the dispatch mark is next to be written: a second after the last write while sending goes on, at
    /// once when every invocation has been accepted; nil when it says all there is to say.
    private var markDue: Double? {
        guard let prepared, prepared.mode == .detached, prepared.storage != nil, !mark.inProgress,
              schedule.takenPrefix > mark.written
        else { return nil }
        return schedule.takenPrefix == schedule.invocations.count ? mark.lastStart : mark.lastStart + Self.markInterval
    }

    private func writeMark(now: Double) {
        guard let storage = prepared?.storage else { return }
        let accepted = schedule.takenPrefix
        mark.inProgress = true
        mark.lastStart = now
        let objects = services.objects
        let name = spec.layout.dispatched
        let bytes = (try? JSONEncoder().encode(DispatchMark(jobId: spec.jobId, acceptedInvocations: accepted))).map { [UInt8]($0) } ?? []
        Task { [weak self] in
            do throws(EngineError) {
                try await objects.put(bucket: storage.bucket, name: name, bytes: bytes)
                self?.post(.marked(acceptedInvocations: accepted, .success(())))
            } catch {
                self?.post(.marked(acceptedInvocations: accepted, .failure(error)))
            }
        }
    }

    // MARK: - Collecting detached statuses

    private var needsListing: Bool {
        guard let prepared, prepared.mode == .detached, prepared.storage != nil else { return false }
        return !calls.isComplete && reads.hasUnseen(calls)
    }

    private func startListing() {
        guard let storage = prepared?.storage else { return }
        scan.inProgress = true
        let start = reads.lowWater(calls).map { first in
            // status names sort by call id only while every id has 5 digits
            calls.count <= 100_000 ? spec.layout.status(JobProtocol.callId(first)) : nil
        } ?? nil
        let objects = services.objects
        let prefix = spec.layout.statusPrefix
        Task { [weak self] in
            do throws(EngineError) {
                let names = try await objects.list(bucket: storage.bucket, prefix: prefix, start: start)
                self?.post(.scanned(.success(names)))
            } catch {
                self?.post(.scanned(.failure(error)))
            }
        }
    }

    private func scanned(_ result: Result<[String], EngineError>) {
        listings += 1
        let now = services.clock.monotonic()
        let wall = services.clock.wall()
        var found = false
        switch result {
        case .success(let names):
            lastListingError = nil
            for name in names {
                guard let callId = spec.layout.callId(ofStatus: name), let call = JobProtocol.callIndex(callId),
                      calls.contains(call), calls.stages[call] == .pending, reads.enqueue(call)
                else { continue }
                calls.timings[call].statusSeen = wall
                found = true
            }
        case .failure(let error):
            lastListingError = error
        }
        scan.completed(foundNew: found, now: now)
    }

    private func startReads() {
        guard let storage = prepared?.storage else { return }
        while reads.running < Self.concurrentReads, let call = reads.next() {
            let name = spec.layout.status(JobProtocol.callId(call))
            let objects = services.objects
            Task { [weak self] in
                do throws(EngineError) {
                    let bytes = try await objects.get(bucket: storage.bucket, name: name, range: nil)
                    self?.post(.statusRead(call: call, .success(bytes)))
                } catch {
                    self?.post(.statusRead(call: call, .failure(error)))
                }
            }
        }
    }

    private func statusRead(_ call: Int, _ result: Result<[UInt8], EngineError>) {
        reads.finished(call)
        objectsRead += 1
        let name = spec.layout.status(JobProtocol.callId(call))
        let wall = services.clock.wall()
        switch result {
        case .success(let bytes):
            do {
                let status = try JSONDecoder().decode(CallStatus.self, from: Data(bytes))
                guard status.callId == JobProtocol.callId(call), intake(status, seenAt: nil, at: wall) != nil else {
                    throw EngineError(.service, "it is for job \(status.jobId), call \(status.callId)")
                }
            } catch {
                if calls.report(call) {
                    schedule.callFinished(call)
                    finishCall(call, .failure("its status object \(name) is not a status of this job's protocol (\(error)); the worker does not follow docs/protocol.md"), at: wall)
                }
            }
        case .failure(let error):
            if reads.failures(call) >= Self.statusReadAttempts, calls.report(call) {
                schedule.callFinished(call)
                finishCall(call, .failure("its status object \(name) was listed but could not be read \(Self.statusReadAttempts) times: \(error.message)"), at: wall)
            } else {
                // the next listing finds it again
                reads.forget(call)
            }
        }
    }

    private func readOutput(_ call: Int, name: String, range: Range<Int>?) {
        guard let storage = prepared?.storage else {
            finishCall(call, .failure("its output was stored in \(name), but the job has no bucket to read it from; give the job a bucket"), at: services.clock.wall())
            return
        }
        let objects = services.objects
        Task { [weak self] in
            do throws(EngineError) {
                let bytes = try await objects.get(bucket: storage.bucket, name: name, range: range)
                self?.post(.outputRead(call: call, .success(bytes)))
            } catch {
                self?.post(.outputRead(call: call, .failure(EngineError(error.kind, "its output \(name) could not be read: \(error.message)"))))
            }
        }
    }

    private func outputRead(_ call: Int, _ result: Result<[UInt8], EngineError>) {
        objectsRead += 1
        let wall = services.clock.wall()
        switch result {
        case .success(let bytes): finishCall(call, .value(bytes), at: wall)
        case .failure(let error): finishCall(call, .failure(error.message), at: wall)
        }
    }

    // MARK: - Ending

    private func finishCall(_ call: Int, _ outcome: CallOutcome, at wall: Double) {
        guard calls.finish(call, outcome) else { return }
        calls.timings[call].resultFetched = wall
        endedSincePublish.append(call)
    }

    private func failCalls(_ failed: [(call: Int, reason: String)]) {
        let wall = services.clock.wall()
        // a call whose status is in is not failed by the schedule: its output is on its way
        for (call, reason) in failed where calls.contains(call) && calls.stages[call] == .pending {
            _ = calls.report(call)
            var message = reason
            if let lastListingError, reason.hasPrefix("no status") {
                message += "; the last listing of the job's statuses failed: \(lastListingError.message)"
            }
            finishCall(call, .failure(message), at: wall)
        }
    }

    /// The job as a whole failed (or was cancelled): every call not ended ends with the error's message.
    private func failJob(_ error: EngineError) {
        for token in transfers.values { services.pool.cancel(token) }
        transfers = [:]
        let wall = services.clock.wall()
        for call in schedule.endAll() where calls.contains(call) { finishCall(call, .failure(error.message), at: wall) }
        for call in 0..<calls.count where calls.stages[call] != .finished { finishCall(call, .failure(error.message), at: wall) }
        snapshot.update { $0.error = error }
        finish()
    }

    private func finish() {
        phase = .finished
    }

    /// Shows the job's state to its handle, and its progress to the callback when it moved.
    private func publish() {
        let progress = calls.progress
        var stats = JobStatistics()
        stats.total = calls.count
        stats.succeeded = calls.succeeded
        stats.functionErrors = calls.functionErrors
        stats.failures = calls.failures
        stats.invocations = schedule.sent
        stats.accepted = schedule.accepted
        stats.retries = schedule.retried
        stats.throttles = schedule.throttled
        stats.duplicates = calls.duplicates
        stats.statusListings = listings
        stats.objectsRead = objectsRead
        stats.lowestConcurrency = schedule.window.lowest
        stats.duration = services.clock.monotonic() - started
        let finished = phase == .finished
        let results = finished ? calls.results() : nil
        let ended = endedSincePublish.compactMap { calls.result($0) }
        endedSincePublish.removeAll(keepingCapacity: true)
        // the last report comes before the job shows as finished, so a waiter has seen every report
        if progress != lastProgress || finished {
            lastProgress = progress
            onProgress?(progress)
        }
        let waiters = snapshot.update { snapshot -> [CheckedContinuation<Void, Never>] in
            snapshot.progress = progress
            snapshot.stats = stats
            guard finished else {
                for result in ended { snapshot.ended[result.index] = result }
                return []
            }
            snapshot.results = results
            snapshot.ended = [:]  // the results hold them all now
            snapshot.finished = true
            defer { snapshot.waiters = [:] }
            return Array(snapshot.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }
}

/// The dispatch mark's writes: one at a time, what the last one recorded.
struct MarkState: Sendable {
    var written = 0
    var inProgress = false
    var lastStart = -Double.infinity

    /// A failed write changes nothing: the next one is due as soon as the interval has passed.
    mutating func completed(_ accepted: Int, _ result: Result<Void, EngineError>) {
        inProgress = false
        if case .success = result { written = max(written, accepted) }
    }
}

/// When the next listing of the status prefix is due: soon after one that found something, later and later
/// after ones that did not.
struct ScanState: Sendable {
    var nextAt = 0.0
    var interval = JobDriver.fastestPoll
    var inProgress = false

    mutating func completed(foundNew: Bool, now: Double) {
        interval = foundNew ? JobDriver.fastestPoll : min(JobDriver.slowestPoll, interval * 2)
        nextAt = now + interval
        inProgress = false
    }
}

/// The status objects to read: each listed call once, a bounded number at a time.
struct ReadQueue: Sendable {
    private var queued: [Bool]
    private var waiting: [Int] = []
    private var head = 0
    private var failureCounts: [Int: Int] = [:]
    private var low = 0
    private(set) var running = 0

    init(count: Int = 0) {
        queued = Array(repeating: false, count: max(0, count))
    }

    /// Queues a call's status to be read; false when it was queued already.
    mutating func enqueue(_ call: Int) -> Bool {
        guard queued.indices.contains(call), !queued[call] else { return false }
        queued[call] = true
        waiting.append(call)
        return true
    }

    mutating func next() -> Int? {
        guard head < waiting.count else { return nil }
        let call = waiting[head]
        head += 1
        if head == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            head = 0
        }
        running += 1
        return call
    }

    mutating func finished(_ call: Int) { running = max(0, running - 1) }

    /// Counts a failed read of `call`'s status and returns how many there were.
    mutating func failures(_ call: Int) -> Int {
        failureCounts[call, default: 0] += 1
        return failureCounts[call, default: 0]
    }

    /// Lets a later listing queue the call again.
    mutating func forget(_ call: Int) {
        if queued.indices.contains(call) { queued[call] = false }
        low = min(low, call)
    }

    /// True while some call has neither ended nor had its status queued.
    mutating func hasUnseen(_ calls: CallTable) -> Bool { lowWater(calls) != nil }

    /// The first call that has neither ended nor had its status queued.
    mutating func lowWater(_ calls: CallTable) -> Int? {
        while low < queued.count, queued[low] || calls.stages[low] != .pending { low += 1 }
        return low < queued.count ? low : nil
    }
}
