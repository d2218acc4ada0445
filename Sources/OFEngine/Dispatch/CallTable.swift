/// Every call of a job and how far it got; each call is reported once and finished once, whatever arrives twice.
struct CallTable: Sendable {
    enum Stage: Sendable, Equatable {
        case pending
        /// Its status is in (the worker is done); its output may still be on its way.
        case reported
        case finished
    }

    private(set) var stages: [Stage]
    private(set) var outcomes: [CallOutcome?]
    var timings: [CallTimings]
    var attempts: [Int]
    var logs: [String?]
    private(set) var done = 0
    private(set) var succeeded = 0
    private(set) var functionErrors = 0
    private(set) var failures = 0
    private(set) var duplicates = 0

    init(count: Int) {
        let count = max(0, count)
        stages = Array(repeating: .pending, count: count)
        outcomes = Array(repeating: nil, count: count)
        timings = Array(repeating: CallTimings(), count: count)
        attempts = Array(repeating: 0, count: count)
        logs = Array(repeating: nil, count: count)
    }

    var count: Int { stages.count }
    var progress: JobProgress { JobProgress(done: done, failed: functionErrors + failures, total: count) }
    var isComplete: Bool { done == count }

    func contains(_ call: Int) -> Bool { stages.indices.contains(call) }

    /// Marks a call's status as in. False, and counted as a duplicate, when it was in already.
    mutating func report(_ call: Int) -> Bool {
        guard contains(call) else { return false }
        guard stages[call] == .pending else {
            duplicates += 1
            return false
        }
        stages[call] = .reported
        return true
    }

    /// Ends a call with its outcome. False when it had ended already (the first outcome stays).
    @discardableResult
    mutating func finish(_ call: Int, _ outcome: CallOutcome) -> Bool {
        guard contains(call), stages[call] != .finished else { return false }
        stages[call] = .finished
        outcomes[call] = outcome
        done += 1
        switch outcome {
        case .value: succeeded += 1
        case .functionError: functionErrors += 1
        case .failure: failures += 1
        }
        return true
    }

    /// A finished call's result; nil while it runs.
    func result(_ call: Int) -> CallResult? {
        guard contains(call), let outcome = outcomes[call] else { return nil }
        return CallResult(index: call, outcome: outcome, timings: timings[call], attempts: attempts[call], logs: logs[call])
    }

    /// The results in input order; a call not finished shows as a failure saying so.
    func results() -> [CallResult] {
        stages.indices.map { call in
            result(call) ?? CallResult(
                index: call, outcome: .failure("the call had not ended when the results were read"),
                timings: timings[call], attempts: attempts[call], logs: logs[call])
        }
    }
}
