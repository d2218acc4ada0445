/// The number of invocations a job keeps running, adjusted as TCP adjusts its window (additive increase,
/// multiplicative decrease): each success adds 1/limit (about one more per round of successes), and a
/// refusal (429, 503) halves it. Refusals of invocations sent before the last decrease do not decrease it
/// again, so one burst of refusals counts once.
///
/// A decrease stops at the most invocations the service was seen running at once in the last few seconds,
/// unless it refuses most of what is sent: a service that refuses a share at random, whatever runs, keeps the
/// window where it was instead of crawling at a window of one, and one that throttles by load (OCI caps the
/// memory of the calls running at once) and refuses most sends above its limit brings the window down to it.
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
    /// Answers to sends of the current epoch, and how many were refusals.
    private var answered = 0
    private var refusals = 0
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

    /// The service took an invocation sent in `sentEpoch`, at `now`, while `running` invocations (this one
    /// included) ran.
    mutating func succeeded(sentEpoch: Int, running: Int, now: Double) {
        if sentEpoch == epoch { answered += 1 }
        age(now)
        provenNow = max(provenNow, min(running, maximum))
        size = min(Double(maximum), size + 1 / max(size, 1))
    }

    /// A refusal, at `now`, of an invocation sent in `sentEpoch`.
    mutating func refused(sentEpoch: Int, now: Double) {
        guard sentEpoch >= epoch else { return }
        answered += 1
        refusals += 1
        age(now)
        let refusesMost = answered >= 8 && refusals * 2 > answered
        let decreased = max(1, size / 2, refusesMost ? 1 : Double(proven))
        // a decrease that leaves the limit where it was is no new epoch: the refusals so far still count
        guard Int(decreased) < limit else {
            size = min(size, decreased)
            return
        }
        size = decreased
        epoch += 1
        answered = 0
        refusals = 0
        lowest = min(lowest, limit)
    }

    private mutating func age(_ now: Double) {
        guard now >= periodStart + Self.memory else { return }
        provenBefore = now >= periodStart + 2 * Self.memory ? 0 : provenNow
        provenNow = 0
        periodStart = now
    }
}
