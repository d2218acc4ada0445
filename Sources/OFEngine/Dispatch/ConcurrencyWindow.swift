/// The number of invocations a job keeps running, adjusted as TCP adjusts its window (additive increase,
/// multiplicative decrease): each success adds 1/limit (about one more per round of successes), and a
/// refusal (429, 503) halves it. Refusals of invocations sent before the last decrease do not decrease it
/// again, so one burst of refusals counts once.
struct ConcurrencyWindow: Sendable, Equatable {
    let maximum: Int
    private(set) var size: Double
    /// Every invocation is stamped with the epoch it was sent in; a decrease starts a new epoch.
    private(set) var epoch = 0
    private(set) var lowest: Int

    /// More invocations at once than any service admits; also keeps `size` where Int(size) cannot trap
    /// (Double(Int.max) rounds up past Int.max).
    static let ceiling = 1 << 20

    init(maximum: Int) {
        self.maximum = min(max(1, maximum), Self.ceiling)
        self.size = Double(self.maximum)
        self.lowest = self.maximum
    }

    /// Invocations allowed to run at once now.
    var limit: Int { max(1, min(maximum, Int(size))) }

    mutating func succeeded() {
        size = min(Double(maximum), size + 1 / max(size, 1))
    }

    /// A refusal of an invocation sent in `sentEpoch`.
    mutating func refused(sentEpoch: Int) {
        guard sentEpoch >= epoch else { return }
        size = max(1, size / 2)
        epoch += 1
        lowest = min(lowest, limit)
    }
}
