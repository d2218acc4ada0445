import Foundation
import OFLocking

/// Runs invoke calls the way Oracle Functions does: each function's image is played by a local handler process
/// (see `ImageCatalog`) spoken to through the FDK http-stream contract. Handlers are kept hot between calls and
/// stopped when idle; a call past its deadline has its handler killed (504); a handler that dies fails its call
/// (502) and the next call starts a fresh one; calls beyond a function's concurrency limit get 429.
public final class FunctionRunner: Sendable {
    public let catalog: ImageCatalog
    public let logs: LogStore
    public let settings: RunnerSettings
    private let faults: FaultInjector
    private let clock: @Sendable () -> Date
    private let pools = Locked<[String: FunctionPool]>([:])
    private let detachedCalls = Locked<[String: Task<Void, Never>]>([:])
    private let reaper = Locked<Task<Void, Never>?>(nil)
    private let isShutDown = Locked(false)

    public init(
        catalog: ImageCatalog, faults: FaultSettings, logs: LogStore, settings: RunnerSettings = RunnerSettings(),
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.catalog = catalog
        self.faults = FaultInjector(faults)
        self.logs = logs
        self.settings = settings
        self.clock = clock
        startReaper()
    }

    /// Runs one call of `function`. Sync calls return the function's answer; detached calls return `.accepted`
    /// (or their refusal) at once and run in the background. `requestURL` is the invoke URL the caller used,
    /// handed to the handler as `Fn-Http-Request-Url`.
    public func invoke(
        _ function: FunctionRecord, body: [UInt8], headers: [(String, String)], callId: String, requestURL: String,
        detached: Bool
    ) async -> InvokeOutcome {
        if isShutDown.withLock({ $0 }) { return .failed(.serviceUnavailable("the emulator is shutting down")) }
        guard body.count <= settings.maxRequestBytes else {
            return .failed(.requestTooLarge(body.count, limit: settings.maxRequestBytes))
        }
        let fault = faults.nextFault()
        switch fault {
        case .tooManyRequests: return .failed(.tooManyRequests("injected by the emulator's fault settings"))
        case .internalServerError: return .failed(.internalServerError())
        case .serviceUnavailable: return .failed(.serviceUnavailable("injected by the emulator's fault settings"))
        case .killHandler, .dropConnection, nil: break
        }
        let pool = pool(for: function)
        guard await pool.reserve() else {
            return .failed(.tooManyRequests(
                "function \(function.id) already runs \(pool.capacity) calls, its limit (\(function.memoryInMBs) MB each; see the emulator's concurrency settings)"))
        }
        let call = Call(
            function: function, body: body, headers: headers, callId: callId, requestURL: requestURL,
            timeoutSeconds: detached ? function.detachedModeTimeoutInSeconds : function.timeoutInSeconds,
            killHandler: fault == .killHandler)
        guard detached else {
            let outcome = await run(call, in: pool)
            await pool.release()
            return fault == .dropConnection ? .dropConnection : outcome
        }
        // registered under the lock the task takes to unregister, so a quick call cannot finish first
        detachedCalls.withLock { calls in
            calls[callId] = Task {
                if case .failed(let failure) = await self.run(call, in: pool) {
                    // nobody waits for a detached call's answer: its failure goes where its output goes
                    self.logs.append(
                        function.logOrigin, callId: callId, stream: .stderr,
                        message: "oraclefn emulator: detached call failed: \(failure.status) \(failure.code): \(failure.message)")
                }
                await pool.release()
                _ = self.detachedCalls.withLock { $0.removeValue(forKey: callId) }
            }
        }
        return fault == .dropConnection ? .dropConnection : .accepted
    }

    /// Stops the handlers of a function that was updated or deleted; calls running on them finish first.
    public func retire(functionId: String) async {
        guard let pool = pools.withLock({ $0.removeValue(forKey: functionId) }) else { return }
        await stop(await pool.retire(includingBusy: false))
    }

    /// Refuses new calls, kills every handler (failing the calls they run) and waits for detached calls to end.
    public func shutdown() async {
        isShutDown.withLock { $0 = true }
        reaper.withLock { $0?.cancel() }
        let allPools = pools.withLock { pools in
            defer { pools = [:] }
            return Array(pools.values)
        }
        for pool in allPools {
            await stop(await pool.retire(includingBusy: true))
        }
        let running = detachedCalls.withLock { Array($0.values) }
        for task in running {
            task.cancel()
            await task.value
        }
    }

    /// The process ids of a function's live handlers (for tests and diagnostics).
    func handlerPIDs(functionId: String) async -> [Int32] {
        guard let pool = pools.withLock({ $0[functionId] }) else { return [] }
        return await pool.handlerPIDs
    }

    // MARK: - One call

    private struct Call: Sendable {
        let function: FunctionRecord
        let body: [UInt8]
        let headers: [(String, String)]
        let callId: String
        let requestURL: String
        let timeoutSeconds: Int
        let killHandler: Bool
    }

    private enum Exchange: Sendable {
        case answered(FDKResponse)
        case failed(FDKClientError)
        case timedOut
        case cancelled
    }

    /// The pool for the function as it is now: a changed function (image, memory, config ...) gets a new one.
    private func pool(for function: FunctionRecord) -> FunctionPool {
        let (pool, replaced) = pools.withLock { pools -> (FunctionPool, FunctionPool?) in
            if let existing = pools[function.id], existing.function == function { return (existing, nil) }
            let pool = FunctionPool(function: function, capacity: settings.concurrencyLimit(memoryInMBs: function.memoryInMBs))
            let replaced = pools.updateValue(pool, forKey: function.id)
            return (pool, replaced)
        }
        if let replaced {
            Task { await self.stop(await replaced.retire(includingBusy: false)) }
        }
        return pool
    }

    private func run(_ call: Call, in pool: FunctionPool) async -> InvokeOutcome {
        let latency = faults.settings.latency
        if latency > .zero { try? await Task.sleep(for: latency) }
        let deadline = ContinuousClock.now.advanced(by: .seconds(call.timeoutSeconds))
        let deadlineDate = clock().addingTimeInterval(TimeInterval(call.timeoutSeconds))

        let handler: HandlerProcess
        if let hot = await pool.checkOut() {
            hot.attribute(to: call.callId)
            handler = hot
        } else {
            switch await startHandler(for: call, in: pool, before: deadline) {
            case .success(let started): handler = started
            case .failure(let failure): return .failed(failure)
            }
        }

        let request = FDKExchange.request(
            callId: call.callId, deadline: deadlineDate, requestURL: call.requestURL, callerHeaders: call.headers, body: call.body)
        let exchange = await exchange(request, with: handler, until: deadline, killing: call.killHandler)

        let outcome: InvokeOutcome
        var keepHandler = false
        switch exchange {
        case .answered(let response):
            (outcome, keepHandler) = FDKExchange.outcome(of: response)
        case .failed(.responseTooLarge(let limit)):
            outcome = .failed(.responseTooLarge(limit: limit))
        case .failed(let error):
            outcome = .failed(await failureAfterLostHandler(handler, error))
        case .timedOut:
            outcome = .failed(.timedOut(seconds: call.timeoutSeconds))
        case .cancelled:
            outcome = .failed(.serviceUnavailable("the emulator is shutting down"))
        }
        await finish(handler, keep: keepHandler, in: pool)
        return outcome
    }

    /// Starts a handler for the call's function and waits until it listens, within the start timeout and the
    /// call's deadline (a cold start counts against the function's timeout, as on OCI).
    private func startHandler(
        for call: Call, in pool: FunctionPool, before deadline: ContinuousClock.Instant
    ) async -> Result<HandlerProcess, InvokeFailure> {
        guard let command = catalog.command(for: call.function.image) else {
            return .failure(.imageNotAvailable(call.function.image))
        }
        let handler: HandlerProcess
        do {
            handler = try HandlerProcess(
                command: command, function: call.function, callId: call.callId, logs: logs, platformEnvironment: settings.handlerEnvironment)
        } catch {
            return .failure(Self.startFailure(error, command: command, lastErrors: []))
        }
        await pool.adopt(handler)
        do {
            try await handler.waitUntilListening(timeout: min(settings.startTimeout, ContinuousClock.now.duration(to: deadline)))
            return .success(handler)
        } catch {
            _ = await handler.waitForExit()
            await handler.settleOutput()
            await pool.discard(handler)
            let lastErrors = logs.lines(LogQuery(functionId: call.function.id, callId: call.callId))
                .filter { $0.stream == .stderr }.suffix(3).map(\.message)
            if case .notListening = error, ContinuousClock.now >= deadline {
                return .failure(.timedOut(seconds: call.timeoutSeconds))
            }
            return .failure(Self.startFailure(error, command: command, lastErrors: lastErrors))
        }
    }

    private static func startFailure(_ error: HandlerStartError, command: HandlerCommand, lastErrors: [String]) -> InvokeFailure {
        let commandLine = command.arguments.joined(separator: " ")
        let stderr = lastErrors.isEmpty ? "" : " Its last stderr lines: " + lastErrors.joined(separator: " | ")
        switch error {
        case .system(let detail), .cannotLaunch(let detail):
            return .containerInitFailed("\(detail) (command: \(commandLine)).")
        case .exitedBeforeListening(let status):
            return .containerInitFailed(
                "the handler \(status) before it listened on FN_LISTENER (command: \(commandLine)).\(stderr) Run the command by hand with FN_FORMAT=http-stream and FN_LISTENER=unix:/tmp/x/lsnr.sock to see why.")
        case .notListening(let after):
            return .containerInitTimeout(
                "the handler did not listen on FN_LISTENER within \(after) and was stopped (command: \(commandLine)).\(stderr) Check that the command runs an FDK, or give it longer (`oraclefn emulator --handler-start-timeout SECONDS`, RunnerSettings.startTimeout).")
        }
    }

    /// Sends the request, racing the call's deadline; with `killing`, the handler is killed while it runs the call.
    private func exchange(
        _ request: FDKRequest, with handler: HandlerProcess, until deadline: ContinuousClock.Instant, killing: Bool
    ) async -> Exchange {
        let socketPath = handler.socketPath
        let maxResponseBytes = settings.maxResponseBytes
        let result = await withTaskGroup(of: Exchange?.self) { group in
            group.addTask {
                do throws(FDKClientError) {
                    return .answered(try await FDKClient.call(socketPath: socketPath, request: request, maxResponseBytes: maxResponseBytes))
                } catch {
                    return .failed(error)
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(until: deadline, clock: .continuous)
                    return .timedOut
                } catch {
                    return .cancelled
                }
            }
            if killing {
                group.addTask {
                    handler.kill()
                    return nil
                }
            }
            var first: Exchange = .cancelled
            for await result in group {
                if let result {
                    first = result
                    break
                }
            }
            group.cancelAll()
            return first
        }
        if case .timedOut = result { handler.kill() }
        if case .cancelled = result { handler.kill() }
        return result
    }

    /// The failure for a call whose connection to its handler broke: the handler died (its exit status says how),
    /// or it broke the protocol; either way it is not used again.
    private func failureAfterLostHandler(_ handler: HandlerProcess, _ error: FDKClientError) async -> InvokeFailure {
        // a dying handler closes its socket a moment before its exit is seen
        let exit = await withTaskGroup(of: ExitStatus?.self) { group in
            group.addTask { await handler.waitForExit() }
            group.addTask {
                try? await Task.sleep(for: .seconds(1))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let exit {
            return .functionFailed("the handler process \(exit) while running the call; the next call starts a fresh handler. Its logs may say why.")
        }
        handler.kill()
        let detail: String
        switch error {
        case .cannotConnect(let reason): detail = "cannot connect to the handler's socket (\(reason))"
        case .connectionLost(let reason): detail = "the handler's connection broke (\(reason))"
        case .responseTooLarge(let limit): detail = "the answer passed \(limit) bytes"
        }
        return InvokeFailure(502, "FunctionInvokeExecutionError", "error receiving function response: \(detail); the handler was stopped and the next call starts a fresh one.")
    }

    /// After a call: waits until the handler's output is credited to the call, then keeps the handler hot or
    /// makes sure it is gone.
    private func finish(_ handler: HandlerProcess, keep: Bool, in pool: FunctionPool) async {
        if keep, handler.exitStatus == nil {
            await handler.settleOutput()
            if await pool.checkIn(handler) { return }
        } else {
            handler.kill()
            await pool.discard(handler)
        }
        await handler.stop()
    }

    // MARK: - Stopping handlers

    private func stop(_ handlers: [HandlerProcess]) async {
        await withTaskGroup(of: Void.self) { group in
            for handler in handlers {
                group.addTask { await handler.stop() }
            }
        }
    }

    private func startReaper() {
        let idleTimeout = settings.idleTimeout
        let period = min(max(idleTimeout / 4, .milliseconds(10)), .seconds(1))
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: period)
                guard let self else { return }
                let cutoff = ContinuousClock.now.advanced(by: .zero - idleTimeout)
                for pool in self.pools.withLock({ Array($0.values) }) {
                    await self.stop(await pool.takeIdle(since: cutoff))
                }
            }
        }
        reaper.withLock { $0 = task }
    }
}
