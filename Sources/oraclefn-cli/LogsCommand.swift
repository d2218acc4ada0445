import ArgumentParser
import Foundation
import OFEngine
import OFServices

/// `oraclefn logs poll` and `oraclefn logs get <job>`.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Follow the functions' logs, or print the logs a job's calls reported.",
        discussion: CLIFailure.exitStatuses,
        subcommands: [Poll.self, Get.self]
    )
}

extension LogsCommand {
    struct Poll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the functions' output as it arrives, until interrupted (or once with --once).",
            discussion: """
                On the emulator the lines come from its log endpoint as the handlers write them. On Oracle Functions \
                they come from OCI Logging: enable the invocation logs of the runtime application and set \
                oracle_f.log_group_id and oracle_f.log_id to the OCIDs of that log's group and of the log. Without \
                them, `oraclefn logs get JOB` prints the output each call of a job reported with its status.
                """)

        @Option(name: .shortAndLong, help: "Only this function: its OCID or its name.")
        var function: String?

        @Option(help: "Start from this time: RFC 3339 (2026-06-02T10:20:30Z), epoch seconds, or an age such as 30s, 10m, 2h, 1d (default: 5m).")
        var since = "5m"

        @Option(help: "Seconds between two polls.")
        var interval = 2.0

        @Flag(help: "Print what there is and stop, instead of following.")
        var once = false

        @OptionGroup var config: ConfigOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard LogStart.parse(since, now: Date()) != nil else {
                throw ValidationError("--since \(since): give \(LogStart.help)")
            }
            guard interval > 0, interval <= 3600 else { throw ValidationError("--interval must be more than 0 and at most 3600 seconds") }
        }

        func run() async throws {
            let session = try CloudSession(configuration: try config.load())
            let start = LogStart.parse(since, now: Date()) ?? Date()
            var functionId: String?
            if let function {
                functionId = try await CLIFailure.reporting("finding function \(function)") {
                    try await FunctionLogs.functionId(of: function, management: session.management)
                }
            }
            let isEmulator = try await session.isEmulator()
            let follower = try await CLIFailure.reporting("following the logs") {
                try FunctionLogs.follower(
                    configuration: session.configuration, logs: session.logs, isEmulator: isEmulator, functionId: functionId, start: start)
            }
            let names = FunctionNames(management: session.management)
            let (json, once, pause, filtered) = (output.json, once, Duration.milliseconds(Int(interval * 1000)), functionId != nil)
            try await Self.untilInterrupted {
                while true {
                    for line in try await CLIFailure.reporting("following the logs", { try await follower.next() }) {
                        if json {
                            try Console.jsonLine(line)
                        } else {
                            // without --function, say whose line it is
                            let function = filtered ? "" : " " + (await names.name(of: line.functionId))
                            Console.line("\(line.time)\(function) \(line.callId) \(line.stream): \(line.message)")
                        }
                    }
                    if once { return }
                    try await Task.sleep(for: pause)
                }
            }
        }

        /// Runs `body` until it returns or SIGINT/SIGTERM arrives; an interrupt ends it quietly.
        static func untilInterrupted(_ body: @escaping @Sendable () async throws -> Void) async throws {
            let task = Task { try await body() }
            let sources = [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { task.cancel() }
                source.resume()
                return source
            }
            defer { sources.forEach { $0.cancel() } }
            do {
                try await task.value
            } catch where task.isCancelled {
                return  // interrupted: whatever was under way was abandoned on purpose
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the output each call of a job reported with its status.",
            discussion: "Reads the job's status objects (docs/protocol.md) from the bucket; the job may still be running.")

        @Argument(help: "The job id (16 hex characters, as the engine gives it).")
        var job: String

        @Option(help: "The job's bucket (default: oracle_oss.storage_bucket).")
        var bucket: String?

        @Option(help: "Where jobs keep their objects.")
        var jobsPrefix = JobProtocol.defaultJobsPrefix

        @OptionGroup var config: ConfigOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard JobProtocol.isJobId(job) else {
                throw ValidationError("\(job) is not a job id: job ids are 16 lowercase hex characters, such as 3f9c0a6e1b2d4c58")
            }
        }

        struct CallLogs: Encodable {
            var callId: String
            var ok: Bool
            var error: String?
            var fnCallId: String?
            var logs: String?

            enum CodingKeys: String, CodingKey {
                case ok, error, logs
                case callId = "call_id", fnCallId = "fn_call_id"
            }
        }

        func run() async throws {
            let session = try CloudSession(configuration: try config.load())
            let bucket = try session.bucket(bucket)
            let layout = JobLayout(jobsPrefix: jobsPrefix, jobId: job)
            let storage = session.storage
            let names = try await CLIFailure.reporting("listing the statuses of job \(job) in bucket \(bucket)") {
                try await storage.listObjects(bucket: bucket, prefix: layout.statusPrefix).objects.map(\.name).filter { layout.callId(ofStatus: $0) != nil }
            }
            if names.isEmpty {
                try await CLIFailure.reporting("looking for job \(job) in bucket \(bucket)") {
                    do {
                        _ = try await storage.headObject(bucket: bucket, name: layout.manifest)
                    } catch let error as ServiceError where error.httpStatus == 404 {
                        throw CLIFailure.notFound("no job \(job) in bucket \(bucket) (its manifest \(layout.manifest) is not there): check the job id, --bucket and --jobs-prefix")
                    }
                }
            }
            let progress = ProgressBar("reading statuses", total: names.count)
            var calls: [CallLogs] = []
            for name in names {
                let status = try await CLIFailure.reporting("reading \(name) in bucket \(bucket)") {
                    try JSONDecoder().decode(CallStatus.self, from: Data(try await storage.getObject(bucket: bucket, name: name).body))
                }
                calls.append(CallLogs(callId: status.callId, ok: status.ok, error: status.error?.description, fnCallId: status.worker?.fnCallId, logs: status.logs))
                progress.advance()
            }
            progress.finish()
            if output.json { return try Console.json(calls) }
            if calls.isEmpty { return Console.line("Job \(job) has no call statuses yet.") }
            for call in calls {
                let outcome = call.ok ? "ok" : "failed: \(call.error ?? "no error given")"
                Console.line("call \(call.callId) (\(outcome)\(call.fnCallId.map { ", Fn call \($0)" } ?? ""))")
                let logs = (call.logs ?? "").split(separator: "\n", omittingEmptySubsequences: false)
                for line in logs.last == "" ? logs.dropLast() : logs[...] { Console.line("    " + line) }
            }
        }
    }
}

/// Function names by OCID, each looked up once.
actor FunctionNames {
    private let management: FunctionsManagementClient
    private var names: [String: String] = [:]

    init(management: FunctionsManagementClient) { self.management = management }

    /// The function's name, or its OCID when it cannot be read.
    func name(of id: String) async -> String {
        if let known = names[id] { return known }
        let name = (try? await management.getFunction(id: id).displayName) ?? id
        names[id] = name
        return name
    }
}
