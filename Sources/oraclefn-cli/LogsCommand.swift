import ArgumentParser
import Foundation
import OFConfig
import OFEngine
import OFServices

/// `oraclefn logs poll`, `oraclefn logs get <job>` and `oraclefn logs enable`.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Follow the functions' logs, print the logs a job's calls reported, or enable the invoke log in OCI Logging.",
        discussion: CLIFailure.exitStatuses,
        subcommands: [Poll.self, Get.self, Enable.self]
    )
}

extension LogsCommand {
    struct Poll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the functions' output as it arrives, until interrupted (or once with --once).",
            discussion: """
                With oracle_f.log_group_id and oracle_f.log_id set, the lines come from that log in OCI Logging (on \
                Oracle Functions, and on the emulator, which serves Logging search too); `oraclefn logs enable \
                --write-config` sets them up. Without them, on the emulator the lines come from its log endpoint as \
                the handlers write them, and on Oracle Functions `oraclefn logs get JOB` prints the output each call \
                of a job reported with its status.
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

extension LogsCommand {
    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enable the runtime application's invoke log in OCI Logging, and print or write its OCIDs.",
            discussion: """
                Finds the invoke log of the runtime application (oracle_f.application_name) in the compartment's \
                log groups, or creates it, named <application>_invoke, in the log group --log-group (created when \
                missing). Prints the log_group_id and log_id to set in the oracle_f section; with --write-config it \
                sets them in the configuration file. Then `oraclefn logs poll` reads that log. Only what functions \
                print after the log is enabled gets into it.
                """)

        @Option(help: "The log group a new invoke log goes in, by name; made when missing.")
        var logGroup = InvokeLogSetup.defaultLogGroupName

        @Flag(help: "Set oracle_f.log_group_id and oracle_f.log_id in the configuration file.")
        var writeConfig = false

        @OptionGroup var config: ConfigOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let session = try CloudSession(configuration: try config.load())
            let configuration = session.configuration
            guard !writeConfig || configuration.source != nil else {
                throw CLIFailure.usage("--write-config needs a configuration file; pass it with -c")
            }
            let log = try await CLIFailure.reporting("enabling the invoke log") {
                try await InvokeLogSetup.enable(
                    configuration: configuration, management: session.management, logging: session.logging, logGroupName: logGroup)
            }
            if writeConfig, let path = configuration.source {
                try Self.write(log, into: path)
            }
            if output.json { return try Console.json(log) }
            Console.line("The invoke log of application \(log.applicationName) \(log.created ? "is now enabled" : "was enabled already").")
            if writeConfig, let path = configuration.source {
                Console.line("Set log_group_id and log_id in the oracle_f section of \(path).")
            } else {
                Console.line("Set these in the oracle_f section of your configuration (or run again with --write-config):")
                Console.line("  log_group_id: \(log.logGroupId)")
                Console.line("  log_id: \(log.logId)")
            }
        }

        static func write(_ log: InvokeLog, into path: String) throws(CLIFailure) {
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let edited = try ConfigFileEdit.setting([("log_group_id", log.logGroupId), ("log_id", log.logId)], section: "oracle_f", in: text)
                // in place, so the file keeps its permissions
                try edited.write(toFile: path, atomically: false, encoding: .utf8)
            } catch let error as ConfigError {
                throw .usage("cannot set the log's OCIDs in \(path): \(error.description); log_group_id: \(log.logGroupId), log_id: \(log.logId)")
            } catch {
                throw .usage("cannot write \(path): \(error.localizedDescription); set log_group_id: \(log.logGroupId) and log_id: \(log.logId) in its oracle_f section by hand")
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
