/// The handlers of one function (as it was when the pool was made) and the count of its calls in flight.
/// Each handler serves one call at a time, as the Fn agent uses a container.
actor FunctionPool {
    nonisolated let function: FunctionRecord
    nonisolated let capacity: Int
    private var inFlight = 0
    /// Handlers waiting for a call, most recently used last.
    private var idle: [(handler: HandlerProcess, since: ContinuousClock.Instant)] = []
    /// Every live handler of the pool, idle or busy.
    private var live: [ObjectIdentifier: HandlerProcess] = [:]
    private var retired = false

    init(function: FunctionRecord, capacity: Int) {
        self.function = function
        self.capacity = capacity
    }

    /// Takes a place for a call, or returns false when `capacity` calls are already in flight.
    func reserve() -> Bool {
        guard !retired, inFlight < capacity else { return false }
        inFlight += 1
        return true
    }

    func release() {
        inFlight = max(0, inFlight - 1)
    }

    var handlerPIDs: [Int32] { live.values.map(\.pid).sorted() }

    /// The most recently used idle handler still alive, if any.
    func checkOut() -> HandlerProcess? {
        while let (handler, _) = idle.popLast() {
            if handler.exitStatus == nil { return handler }
            live[ObjectIdentifier(handler)] = nil
        }
        return nil
    }

    func adopt(_ handler: HandlerProcess) {
        live[ObjectIdentifier(handler)] = handler
    }

    /// Returns a handler after a call; false when it must be stopped instead (the pool was retired or it died).
    func checkIn(_ handler: HandlerProcess) -> Bool {
        guard !retired, handler.exitStatus == nil else {
            live[ObjectIdentifier(handler)] = nil
            return false
        }
        idle.append((handler, .now))
        return true
    }

    func discard(_ handler: HandlerProcess) {
        live[ObjectIdentifier(handler)] = nil
        idle.removeAll { $0.handler === handler }
    }

    /// Removes and returns the handlers idle since before `cutoff`.
    func takeIdle(since cutoff: ContinuousClock.Instant) -> [HandlerProcess] {
        let expired = idle.filter { $0.since < cutoff }.map(\.handler)
        idle.removeAll { $0.since < cutoff }
        for handler in expired { live[ObjectIdentifier(handler)] = nil }
        return expired
    }

    /// Closes the pool to new calls and returns the handlers to stop: the idle ones, and the busy ones too when
    /// `includingBusy` (their calls then fail); busy handlers left running are stopped when they come back.
    func retire(includingBusy: Bool) -> [HandlerProcess] {
        retired = true
        let handlers = includingBusy ? Array(live.values) : idle.map(\.handler)
        for handler in handlers { live[ObjectIdentifier(handler)] = nil }
        idle = []
        return handlers
    }
}
