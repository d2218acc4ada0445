/// The number of invocations a job keeps running, adjusted as TCP adjusts its window (additive increase,
/// multiplicative decrease): each success adds 1/limit (about one more per round of successes), and a
/// refusal (429, 503) halves it. Refusals of invocations sent before the last decrease do not decrease it
/// again, so one burst of refusals counts once.
///
/// A decrease stops at the most invocations the service was seen running at once in the last few seconds:
/// a service that throttles by load (OCI caps the memory of the calls running at once) refuses only above
/// that, so the window settles at its limit; one that refuses at random, whatever runs, keeps the window
/// where it was instead of crawling at a window of one.
struct ConcurrencyWindow: Sendable, Equatable {
    let maximum: Int
    private(set) var size: Double
    /// Every invocation is stamped with the epoch it was sent in; a decrease starts a new epoch.
    private(set) var epoch = 0
    private(set) var lowest: Int
    /// The most invocations running at once when one was taken, in this period and the one before.
    private var provenNow = 0
    private var provenBefore = 0
    private var periodStart = 0.0
    /// How long what the service took counts as proof of what it takes.
    static let memory = 5.0

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

    /// The most invocations the service was seen running at once lately.
    var proven: Int { max(provenNow, provenBefore) }

    /// The service took an invocation at `now` while `running` invocations (this one included) ran.
    mutating func succeeded(running: Int, now: Double) {
        age(now)
        provenNow = max(provenNow, min(running, maximum))
        size = min(Double(maximum), size + 1 / max(size, 1))
    }

    /// A refusal, at `now`, of an invocation sent in `sentEpoch`.
    mutating func refused(sentEpoch: Int, now: Double) {
        guard sentEpoch >= epoch else { return }
        age(now)
        let decreased = max(1, size / 2, Double(proven))
        guard decreased < size else { return }
        size = decreased
        epoch += 1
        lowest = min(lowest, limit)
    }

    private mutating func age(_ now: Double) {
        guard now >= periodStart + Self.memory else { return }
        provenBefore = now >= periodStart + 2 * Self.memory ? 0 : provenNow
        provenNow = 0
        periodStart = now
    }
}
