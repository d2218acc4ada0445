/// How the emulator runs handlers; see docs/emulator.md, "Running functions".
public struct RunnerSettings: Sendable, Equatable {
    /// A hot handler with no call for this long is stopped (the Fn default).
    public var idleTimeout: Duration = .seconds(30)
    /// How long a new handler has to listen on its socket (Fn asks for 5 s; this leaves room for a busy machine).
    public var startTimeout: Duration = .seconds(10)
    /// Memory the concurrent calls of one function may use together. OCI caps concurrency by memory
    /// (`total-concurrency-mb`, 60 GB per tenancy by default); the emulator applies a smaller budget per function,
    /// so a function runs at most `max(1, concurrencyBudgetMB / memoryInMBs)` calls at once.
    public var concurrencyBudgetMB: Int = 4096
    /// When set, the cap on one function's concurrent calls, instead of the memory formula.
    public var maxConcurrentCalls: Int?
    /// OCI's limits on an invoke's request and response bodies (6 MB).
    public var maxRequestBytes: Int = 6 * 1024 * 1024
    public var maxResponseBytes: Int = 6 * 1024 * 1024
    /// Variables the platform sets in every handler's environment, over the function's config: the emulator puts
    /// its resource principal (`OCI_RESOURCE_PRINCIPAL_*`) here when it starts.
    public var handlerEnvironment: [String: String] = [:]

    public init(
        idleTimeout: Duration = .seconds(30), startTimeout: Duration = .seconds(10), concurrencyBudgetMB: Int = 4096,
        maxConcurrentCalls: Int? = nil
    ) {
        self.idleTimeout = idleTimeout
        self.startTimeout = startTimeout
        self.concurrencyBudgetMB = concurrencyBudgetMB
        self.maxConcurrentCalls = maxConcurrentCalls
    }

    /// How many calls of a function with `memoryInMBs` may run at once.
    public func concurrencyLimit(memoryInMBs: Int) -> Int {
        if let maxConcurrentCalls { return max(1, maxConcurrentCalls) }
        return max(1, concurrencyBudgetMB / max(1, memoryInMBs))
    }
}
