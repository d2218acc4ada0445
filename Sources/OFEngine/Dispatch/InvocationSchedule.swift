import OFTransport

/// Which invocations of a job to send when, and what became of each: the dispatch rules as a value, driven by
/// the job's driver with the time and the randomness given, so every rule is testable without a network.
///
/// Calls are grouped into invocations of `chunksize` consecutive calls. An invocation holds one of the
/// window's places from when it is sent until its calls are answered (sync) or their statuses are seen
/// (detached), as a Lithops worker holds one of `max_workers`. A refusal (429, 503) sends it again after a
/// jittered backoff and may shrink the window; a failed attempt sends its unfinished calls again until the
/// retry budget is spent; every call leaves as finished (`callFinished`) or with a reason it failed.
///
/// At most once at a time: a call is not sent again while an earlier invocation of it may still run (it was
/// accepted, or sent without an answer, less than `mayRunFor` ago), unless `resendWhileRunning` asks for it.
struct InvocationSchedule: Sendable {
    struct Limits: Sendable, Equatable {
        var maxWorkers: Int
        var retries: Int
        var throttleRetries: Int
        /// Seconds an invocation may run: a sync answer, or a detached call's status after it was accepted.
        var callTimeout: Double
        /// Seconds after its send that an invocation may still run on the service: the function's own timeout
        /// and a margin. Nil when unknown: taken to be `callTimeout`.
        var mayRunFor: Double?
        /// Send calls again while an earlier invocation of them may still run (at-least-once delivery).
        var resendWhileRunning = false
        /// Invoke requests waiting for their answer at once, at most: a detached job with a large window sends at
        /// the pace its answers come back instead of opening a connection per invocation.
        var maxRequestsInFlight = Int.max
        var failureBackoff = Backoff(base: .milliseconds(500), multiplier: 2, cap: .seconds(10), jitter: .full)
        var throttleBackoff = Backoff(base: .milliseconds(50), multiplier: 2, cap: .seconds(5), jitter: .full)
    }

    enum State: Sendable, Equatable {
        case waiting
        /// Sent as its `attempt`-th send at `sentAt`, in the window's `epoch`; a sync invocation stays here until
        /// answered.
        case sending(attempt: Int, epoch: Int, sentAt: Double)
        /// Accepted (detached), or sent without an answer, and expected to report by `deadline`.
        case running(attempt: Int, sentAt: Double, deadline: Double)
        case ended
    }

    struct Invocation: Sendable, Equatable {
        /// Its calls not finished yet.
        var calls: [Int]
        var state: State = .waiting
        var sends = 0
        var failedAttempts = 0
        var throttles = 0
        /// Why its last send got no answer, while it waits for a status that may still come.
        var lastFailure: String?
        /// What its failed attempts before the last one met.
        var earlierFailures: [String] = []
    }

    /// How an attempt ended, as the driver read the answer.
    enum AttemptEnd: Sendable, Equatable {
        /// 202: the calls run, their statuses will come.
        case accepted
        /// A sync answer; `unanswered` are its calls the answer left out.
        case answered(unanswered: [Int])
        /// 429 or 503.
        case throttled(reason: String, retryAfter: Double?)
        /// The service answered that it did not run the invocation (500): sent again like a refusal, without
        /// shrinking the window.
        case notRun(reason: String)
        /// Sent, and no answer came (a lost connection, a request past its timeout): it may run.
        case unanswered(reason: String)
        /// Worth another attempt: a worker that died, a 5xx after the function ran.
        case failed(reason: String)
        /// Final for these calls: another attempt would end the same way.
        case rejected(reason: String)
    }

    /// A send the driver is to make.
    struct Send: Sendable, Equatable {
        let invocation: Int
        let attempt: Int
        let calls: [Int]
    }

    let limits: Limits
    private(set) var invocations: [Invocation]
    private(set) var window: ConcurrencyWindow
    /// Invocations holding a place in the window.
    private(set) var active = 0
    /// Invocations whose request waits for its answer.
    private(set) var sending = 0
    private(set) var sent = 0
    /// Sends the service took: answered 202 (detached) or with the function's answer (sync).
    private(set) var accepted = 0
    private(set) var retried = 0
    private(set) var throttled = 0

    private var owner: [Int]
    private var nextFresh = 0
    /// Invocations accepted at least once, or ended.
    private var taken: [Bool]
    /// Invocations `0..<takenPrefix` were all accepted at least once (or ended): what `DispatchMark` records.
    private(set) var takenPrefix = 0
    private var retryQueue = DueQueue<Int>()
    private var deadlines = DueQueue<Int>()

    /// A new job's calls `0..<totalCalls`, in invocations of `chunksize`, none sent yet.
    init(totalCalls: Int, chunksize: Int, limits: Limits) {
        self.limits = limits
        self.window = ConcurrencyWindow(maximum: limits.maxWorkers)
        let size = max(1, chunksize)
        var invocations: [Invocation] = []
        var owner = [Int](repeating: 0, count: max(0, totalCalls))
        var start = 0
        while start < totalCalls {
            let calls = Array(start..<min(totalCalls, start + size))
            for call in calls { owner[call] = invocations.count }
            invocations.append(Invocation(calls: calls))
            start += size
        }
        self.invocations = invocations
        self.owner = owner
        self.taken = Array(repeating: false, count: invocations.count)
    }

    /// A job another process started (reattach). The first `acceptedInvocations` invocations, which that process
    /// saw accepted, are taken to be running since `now`, so a call of theirs without a status one call timeout
    /// from now is sent again; the others are sent as fresh ones.
    static func attached(totalCalls: Int, chunksize: Int, limits: Limits, now: Double, acceptedInvocations: Int) -> InvocationSchedule {
        var schedule = InvocationSchedule(totalCalls: totalCalls, chunksize: chunksize, limits: limits)
        let accepted = min(max(0, acceptedInvocations), schedule.invocations.count)
        schedule.nextFresh = accepted
        // the other process may have sent any of them: each send from here is a later attempt, so a worker
        // skips a call an earlier invocation ran to its end
        for number in schedule.invocations.indices { schedule.invocations[number].sends = 1 }
        for number in 0..<accepted {
            // sent by the other process at some time before: taken as sent now, which is the safe side
            schedule.invocations[number].state = .running(attempt: 1, sentAt: now, deadline: now + limits.callTimeout)
            schedule.deadlines.insert(number, due: now + limits.callTimeout)
            schedule.active += 1
            schedule.taken[number] = true
        }
        schedule.takenPrefix = accepted
        return schedule
    }

    /// True when nothing is left to send or to wait for.
    var isDrained: Bool { active == 0 && nextFresh >= invocations.count && retryQueue.isEmpty }

    /// Whether `attempt` is the current send of invocation `number`, still waiting for its answer.
    func isSending(_ number: Int, attempt: Int) -> Bool {
        guard invocations.indices.contains(number), case .sending(attempt, _, _) = invocations[number].state else { return false }
        return true
    }

    /// The next invocation to send now, if the window has room: a retry that is due first, then a fresh one.
    mutating func nextSend(now: Double) -> Send? {
        guard hasRoom else { return nil }
        while let number = retryQueue.popDue(now: now) {
            if invocations[number].state == .waiting, !invocations[number].calls.isEmpty { return send(number, now: now) }
        }
        while nextFresh < invocations.count {
            let number = nextFresh
            nextFresh += 1
            if invocations[number].state == .waiting, !invocations[number].calls.isEmpty { return send(number, now: now) }
        }
        return nil
    }

    private mutating func send(_ number: Int, now: Double) -> Send {
        invocations[number].sends += 1
        let attempt = invocations[number].sends
        invocations[number].state = .sending(attempt: attempt, epoch: window.epoch, sentAt: now)
        active += 1
        sending += 1
        sent += 1
        return Send(invocation: number, attempt: attempt, calls: invocations[number].calls)
    }

    /// Applies how attempt `attempt` of invocation `number` ended. An answer to an attempt that is no longer
    /// current (its calls finished meanwhile) changes nothing. Returns the calls that failed for good, with why.
    mutating func end(_ number: Int, attempt: Int, _ end: AttemptEnd, now: Double, random: Double) -> [(call: Int, reason: String)] {
        guard invocations.indices.contains(number), case .sending(attempt, let epoch, let sentAt) = invocations[number].state else { return [] }
        switch end {
        case .accepted:
            // this one and those accepted before it that have not reported: what the service runs at once
            window.succeeded(sentEpoch: epoch, running: active - sending + 1, now: now)
            accepted += 1
            sending -= 1
            markTaken(number)
            run(number, attempt: attempt, sentAt: sentAt, deadline: now + limits.callTimeout)
            return []
        case .answered(let unanswered):
            window.succeeded(sentEpoch: epoch, running: active, now: now)
            accepted += 1
            markTaken(number)
            let missing = unanswered.filter { invocations[number].calls.contains($0) }
            release(number)
            invocations[number].calls = missing
            guard !missing.isEmpty else {
                invocations[number].state = .ended
                return []
            }
            return failedAttempt(number, reason: "the answer left these calls out", now: now, random: random)
        case .throttled(let reason, let retryAfter):
            window.refused(sentEpoch: epoch, now: now)
            release(number)
            throttled += 1
            invocations[number].throttles += 1
            let throttles = invocations[number].throttles
            guard throttles <= limits.throttleRetries else {
                return giveUp(number, reason: "the service refused its invocation \(throttles) times (\(reason)); lower max_workers or raise the function's concurrency limit")
            }
            let backoff = limits.throttleBackoff.delay(afterAttempt: throttles, random: random).secondsValue
            requeue(number, due: now + max(backoff, retryAfter ?? 0))
            return []
        case .notRun(let reason):
            release(number)
            invocations[number].throttles += 1
            let refusals = invocations[number].throttles
            guard refusals <= limits.throttleRetries else {
                return giveUp(number, reason: "the service did not run its invocation \(refusals) times (\(reason))")
            }
            retried += 1
            requeue(number, due: now + limits.throttleBackoff.delay(afterAttempt: refusals, random: random).secondsValue)
            return []
        case .unanswered(let reason):
            guard !limits.resendWhileRunning else {
                release(number)
                return failedAttempt(number, reason: reason, now: now, random: random)
            }
            // it may run and report: wait for its status as for an accepted one, keeping its place
            sending -= 1
            invocations[number].lastFailure = reason
            run(number, attempt: attempt, sentAt: sentAt, deadline: max(now, sentAt + limits.callTimeout))
            return []
        case .failed(let reason):
            release(number)
            return failedAttempt(number, reason: reason, now: now, random: random)
        case .rejected(let reason):
            release(number)
            return giveUp(number, reason: reason)
        }
    }

    /// Call `call` has its result (from any attempt). Its invocation ends when it has no call left.
    mutating func callFinished(_ call: Int) {
        guard owner.indices.contains(call) else { return }
        let number = owner[call]
        guard let position = invocations[number].calls.firstIndex(of: call) else { return }
        invocations[number].calls.remove(at: position)
        if invocations[number].calls.isEmpty {
            release(number)
            invocations[number].state = .ended
            markTaken(number)
        }
    }

    /// Running invocations past their deadline: sent again when they can no longer run (or at-least-once
    /// delivery allows it), else their calls fail as timed out. Returns the calls that failed for good.
    mutating func expire(now: Double, random: Double) -> [(call: Int, reason: String)] {
        var failed: [(call: Int, reason: String)] = []
        while let number = deadlines.popDue(now: now) {
            guard case .running(_, let sentAt, let deadline) = invocations[number].state, deadline <= now else { continue }
            release(number)
            let timeout = Self.seconds(limits.callTimeout)
            let what = invocations[number].lastFailure.map { "\($0), and no result came within \(timeout)" }
                ?? "no status came within \(timeout) of the invocation being accepted"
            invocations[number].lastFailure = nil
            if now < sentAt + (limits.mayRunFor ?? limits.callTimeout), !limits.resendWhileRunning {
                let bound = Self.seconds(limits.mayRunFor ?? limits.callTimeout)
                failed += giveUp(number, reason: "timed out: \(what); it was not invoked again, as it may still run for up to \(bound) after it was sent. Raise the timeout, or allow at-least-once delivery to send it again at once")
            } else {
                failed += failedAttempt(number, reason: what, now: now, random: random)
            }
        }
        return failed
    }

    private static func seconds(_ value: Double) -> String {
        value < 10 && value != value.rounded() ? "\(value) s" : "\(Int(value.rounded())) s"
    }

    /// Ends every invocation (cancellation, a job-wide error) and returns the calls that were unfinished.
    mutating func endAll() -> [Int] {
        var calls: [Int] = []
        for number in invocations.indices where invocations[number].state != .ended {
            calls += invocations[number].calls
            invocations[number].calls = []
            invocations[number].state = .ended
        }
        active = 0
        sending = 0
        nextFresh = invocations.count
        return calls.sorted()
    }

    /// When something is next due: a retry the window has room for, or a running invocation's deadline.
    var nextWakeUp: Double? {
        let retry = hasRoom ? retryQueue.earliest : nil
        switch (retry, deadlines.earliest) {
        case let (r?, d?): return min(r, d)
        case let (r, d): return r ?? d
        }
    }

    // MARK: -

    /// Whether another invocation may be sent: the window and the requests in flight allow it.
    private var hasRoom: Bool { active < window.limit && sending < limits.maxRequestsInFlight }

    private mutating func release(_ number: Int) {
        switch invocations[number].state {
        case .sending:
            active -= 1
            sending -= 1
            invocations[number].state = .waiting
        case .running:
            active -= 1
            invocations[number].state = .waiting
        case .waiting, .ended:
            break
        }
    }

    private mutating func failedAttempt(_ number: Int, reason: String, now: Double, random: Double) -> [(call: Int, reason: String)] {
        invocations[number].failedAttempts += 1
        let failures = invocations[number].failedAttempts
        guard failures <= limits.retries else {
            let attempts = failures == 1 ? "its only attempt" : "\(failures) attempts"
            let earlier = Self.summary(of: invocations[number].earlierFailures)
            let advice = limits.retries == 0 ? "; allow retries to try again" : ""
            return giveUp(number, reason: "\(reason) (after \(attempts)\(earlier.isEmpty ? "" : "; before: \(earlier)")\(advice))")
        }
        invocations[number].earlierFailures.append(reason)
        retried += 1
        requeue(number, due: now + limits.failureBackoff.delay(afterAttempt: failures, random: random).secondsValue)
        return []
    }

    /// What earlier attempts met, each kind once with how often, in the order first met: "2× HTTP 500 ...; 1× ...".
    /// Request ids are left out, so the same answer counts as one kind.
    static func summary(of failures: [String]) -> String {
        var kinds: [String] = []
        var counts: [String: Int] = [:]
        for failure in failures {
            var kind = failure
            if let start = kind.firstRange(of: " (opc-request-id "), let end = kind[start.upperBound...].firstIndex(of: ")") {
                kind.removeSubrange(start.lowerBound...end)
            }
            if counts[kind] == nil { kinds.append(kind) }
            counts[kind, default: 0] += 1
        }
        return kinds.map { "\(counts[$0] ?? 0)× \($0)" }.joined(separator: "; ")
    }

    private mutating func run(_ number: Int, attempt: Int, sentAt: Double, deadline: Double) {
        invocations[number].state = .running(attempt: attempt, sentAt: sentAt, deadline: deadline)
        deadlines.insert(number, due: deadline)
    }

    private mutating func requeue(_ number: Int, due: Double) {
        invocations[number].state = .waiting
        retryQueue.insert(number, due: due)
    }

    private mutating func giveUp(_ number: Int, reason: String) -> [(call: Int, reason: String)] {
        let calls = invocations[number].calls
        invocations[number].calls = []
        invocations[number].state = .ended
        markTaken(number)
        return calls.map { (call: $0, reason: reason) }
    }

    private mutating func markTaken(_ number: Int) {
        taken[number] = true
        while takenPrefix < taken.count, taken[takenPrefix] { takenPrefix += 1 }
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
