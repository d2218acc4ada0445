import Foundation
import Glibc
import OFLocking

/// How a handler process ended.
struct ExitStatus: Sendable, Equatable, CustomStringConvertible {
    enum Reason: Sendable, Equatable { case exited, signalled }
    let reason: Reason
    let code: Int32

    var description: String {
        switch reason {
        case .exited: "exited with status \(code)"
        case .signalled: "was killed by signal \(code)\(code == SIGKILL ? " (SIGKILL)" : code == SIGTERM ? " (SIGTERM)" : "")"
        }
    }
}

/// Why a handler did not come up.
enum HandlerStartError: Error, Sendable, Equatable {
    case system(String)
    case cannotLaunch(String)
    case exitedBeforeListening(ExitStatus)
    case notListening(after: Duration)
}

/// One running handler: a process started the way Oracle Functions starts a function's container, in a fresh
/// directory, serving the FDK http-stream contract on `<directory>/lsnr.sock`. Its stdout and stderr go to the
/// log store under the call it is running. It lives in a process group of its own, so stopping it stops whatever
/// it started too.
final class HandlerProcess: Sendable {
    let functionId: String
    let directory: String
    let socketPath: String
    let pid: Int32
    private let output: [OutputCapture]
    private let currentCall: CurrentCall
    private let exit = ExitWatch()

    /// Launches `command` for `function`, its output credited to `callId` until `attribute(to:)` says otherwise.
    /// Returns once the process runs; `waitUntilListening` waits for its socket.
    init(
        command: HandlerCommand, function: FunctionRecord, callId: String, logs: LogStore,
        platformEnvironment: [String: String] = [:],
        inheritedEnvironment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(HandlerStartError) {
        let directory = try Self.makeDirectory()
        let socketPath = directory + "/lsnr.sock"
        let environment = Self.environment(for: function, socketPath: socketPath, platform: platformEnvironment, inherited: inheritedEnvironment)
        let origin = function.logOrigin
        let currentCall = CurrentCall(callId)
        let sink: @Sendable (LogLine.Stream, String) -> Void = { stream, message in
            logs.append(origin, callId: currentCall.id, stream: stream, message: message)
        }
        let stdout: OutputCapture
        let stderr: OutputCapture
        do {
            stdout = try OutputCapture(stream: .stdout, sink: sink)
            stderr = try OutputCapture(stream: .stderr, sink: sink)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }

        guard let program = command.arguments.first,
            let executable = Self.resolve(program: program, searchPath: environment["PATH"], workingDirectory: command.workingDirectory)
        else {
            [stdout, stderr].forEach { $0.close() }
            try? FileManager.default.removeItem(atPath: directory)
            throw .cannotLaunch("the program '\(command.arguments.first ?? "")' was not found (searched PATH for names without '/'); fix the image's command in the emulator's image configuration")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.arguments.dropFirst())
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: command.workingDirectory ?? FileManager.default.currentDirectoryPath)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(fileDescriptor: stdout.childDescriptor, closeOnDealloc: false)
        process.standardError = FileHandle(fileDescriptor: stderr.childDescriptor, closeOnDealloc: false)

        self.functionId = function.id
        self.directory = directory
        self.socketPath = socketPath
        self.output = [stdout, stderr]
        self.currentCall = currentCall
        let exit = self.exit
        let output = self.output
        process.terminationHandler = { process in
            // a container's processes end with it
            _ = Glibc.kill(-process.processIdentifier, SIGKILL)
            output.forEach { $0.close() }
            try? FileManager.default.removeItem(atPath: directory)
            exit.record(ExitStatus(
                reason: process.terminationReason == .uncaughtSignal ? .signalled : .exited, code: process.terminationStatus))
        }
        output.forEach { $0.start() }
        do {
            try process.run()
        } catch {
            output.forEach { $0.close() }
            try? FileManager.default.removeItem(atPath: directory)
            throw .cannotLaunch("cannot run '\(executable)': \(error.localizedDescription); check the image's command in the emulator's image configuration")
        }
        self.pid = process.processIdentifier
    }

    /// The exit status, or nil while the process runs.
    var exitStatus: ExitStatus? { exit.status }

    /// Waits until the handler listens on its socket (the FDK creates it once it serves), the process exits,
    /// or `timeout` passes; in the last two cases the handler is stopped and the error says which.
    func waitUntilListening(timeout: Duration) async throws(HandlerStartError) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let status = exitStatus { throw .exitedBeforeListening(status) }
            if Self.isSocket(socketPath) { return }
            guard clock.now < deadline else {
                kill()
                throw .notListening(after: timeout)
            }
            do {
                try await Task.sleep(for: .milliseconds(5))
            } catch {
                kill()
                throw .notListening(after: timeout)
            }
        }
    }

    /// Credits the handler's output from now on to `callId`.
    func attribute(to callId: String) {
        currentCall.id = callId
    }

    /// Waits until all output written so far is credited (see `OutputCapture`); after an exit, until all was read.
    func settleOutput() async {
        if exitStatus != nil {
            for capture in output { await capture.waitUntilFinished() }
        } else {
            for capture in output { await capture.settle() }
        }
    }

    /// Kills the handler and everything it started at once.
    func kill() {
        // only while the leader is not reaped, so the group id is still the handler's own
        exit.whileRunning { _ = Glibc.kill(-pid, SIGKILL) }
    }

    /// Kills the handler and waits until it and its output are gone. Like the Fn agent removing an idle
    /// container, this does not ask first: a handler keeps no state between calls.
    func stop() async {
        kill()
        _ = await waitForExit()
        for capture in output { await capture.waitUntilFinished() }
    }

    func waitForExit() async -> ExitStatus {
        await exit.wait()
    }

    /// The environment Oracle Functions gives a container (FN_* as the Fn agent sets them, the function's config
    /// with the application's merged under it, the platform's own variables such as the resource principal), plus
    /// the few host variables a local program needs to run.
    static func environment(
        for function: FunctionRecord, socketPath: String, platform: [String: String] = [:], inherited: [String: String]
    ) -> [String: String] {
        var environment: [String: String] = [:]
        // The sanitizers' settings reach a sanitized handler as they reach the emulator (scripts/sanitize.sh).
        for name in ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"] {
            if let value = inherited[name] { environment[name] = value }
        }
        if environment["PATH"] == nil { environment["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        // print() lines from Python handlers reach the log as they are written, not when the handler exits
        environment["PYTHONUNBUFFERED"] = "1"
        environment.merge(function.config) { _, config in config }
        environment.merge(platform) { _, platform in platform }
        // the contract's own variables come last: a config entry cannot break the wiring
        environment.merge([
            "FN_FORMAT": "http-stream",
            "FN_LISTENER": "unix:" + socketPath,
            "FN_APP_ID": function.applicationId,
            "FN_APP_NAME": function.applicationName,
            "FN_FN_ID": function.id,
            "FN_FN_NAME": function.displayName,
            "FN_MEMORY": String(function.memoryInMBs),
            "FN_TYPE": "sync",
        ]) { _, contract in contract }
        return environment
    }

    /// `program` itself when it has a `/` (relative to `workingDirectory`), else its first match in `searchPath`.
    static func resolve(program: String, searchPath: String?, workingDirectory: String?) -> String? {
        let fileManager = FileManager.default
        if program.contains("/") {
            let path = program.hasPrefix("/") ? program : (workingDirectory ?? fileManager.currentDirectoryPath) + "/" + program
            return fileManager.isExecutableFile(atPath: path) ? path : nil
        }
        for directory in (searchPath ?? "").split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A fresh directory for the socket. Unix socket paths are limited to 107 bytes, so a long TMPDIR gives way to /tmp.
    private static func makeDirectory() throws(HandlerStartError) -> String {
        let preferred = FileManager.default.temporaryDirectory.path
        let base = preferred.utf8.count <= 60 ? preferred : "/tmp"
        var template = Array((base + "/oraclefn-fn-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard made != nil else {
            throw .system("cannot create a directory for the handler under \(base): \(String(cString: strerror(errno))); check that it exists and is writable")
        }
        return template.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { String(cString: $0) } ?? base }
    }

    private static func isSocket(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFSOCK
    }
}

/// The call a handler's output is credited to.
private final class CurrentCall: Sendable {
    private let value: Locked<String>
    init(_ id: String) { value = Locked(id) }
    var id: String {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// A process's exit, once it happens, and the tasks waiting for it.
private final class ExitWatch: Sendable {
    private struct State {
        var status: ExitStatus?
        var waiters: [CheckedContinuation<ExitStatus, Never>] = []
    }

    private let state = Locked(State())

    var status: ExitStatus? { state.withLock { $0.status } }

    func record(_ status: ExitStatus) {
        let waiters = state.withLock { state in
            state.status = status
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume(returning: status) }
    }

    /// Runs `body` under the lock only if no exit was recorded yet.
    func whileRunning(_ body: () -> Void) {
        state.withLock { state in
            if state.status == nil { body() }
        }
    }

    func wait() async -> ExitStatus {
        await withCheckedContinuation { (done: CheckedContinuation<ExitStatus, Never>) in
            let status: ExitStatus? = state.withLock { state in
                if let status = state.status { return status }
                state.waiters.append(done)
                return nil
            }
            if let status { done.resume(returning: status) }
        }
    }
}
