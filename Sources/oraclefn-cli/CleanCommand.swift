import ArgumentParser
import OFEngine
import OFServices

/// `oraclefn clean [--all]`, as `lithops clean`: deletes the runtime application's functions (and with --all the
/// application), and the jobs' objects in the storage bucket.
struct CleanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "Delete the deployed runtimes and the jobs' objects; with --all the runtime application too.",
        discussion: """
            Deletes every function of the runtime application (oracle_f.application_name, default lithops_ and \
            seven characters of the user OCID) and, when oracle_oss.storage_bucket is set, every object under \
            \(JobProtocol.defaultJobsPrefix) in it.

            \(CLIFailure.exitStatuses)
            """)

    @Flag(name: .shortAndLong, help: "Delete the runtime application as well.")
    var all = false

    @OptionGroup var config: ConfigOptions
    @OptionGroup var output: OutputOptions

    struct Cleaned: Encodable {
        var application: String
        var functions: [String]
        var applicationDeleted: Bool
        var bucket: String?
        var objects: Int

        enum CodingKeys: String, CodingKey {
            case application, functions, bucket, objects
            case applicationDeleted = "application_deleted"
        }
    }

    func run() async throws {
        let session = try CloudSession(configuration: try config.load())
        let name = RuntimeNaming.applicationName(configuration: session.configuration)
        var cleaned = Cleaned(application: name, functions: [], applicationDeleted: false, bucket: session.configuration.storage.storageBucket, objects: 0)
        try await CLIFailure.reporting("cleaning application \(name)") {
            guard let application = try await session.management.listApplications(displayName: name).first else { return }
            let functions = try await session.management.listFunctions(applicationId: application.id)
            let progress = ProgressBar("deleting functions", total: functions.count)
            for function in functions {
                try await session.management.deleteFunction(id: function.id)
                cleaned.functions.append(function.displayName)
                progress.advance()
            }
            progress.finish()
            if all {
                try await session.management.deleteApplication(id: application.id)
                cleaned.applicationDeleted = true
            }
        }
        if let bucket = cleaned.bucket {
            cleaned.objects = try await CLIFailure.reporting("deleting the jobs' objects in bucket \(bucket)") {
                do {
                    return try await StorageCommand.deleteAll(session.storage, bucket: bucket, prefix: JobProtocol.defaultJobsPrefix)
                } catch let error as ServiceError where error.code == "BucketNotFound" {
                    return 0  // no bucket, no jobs' objects
                }
            }
        }
        if output.json { return try Console.json(cleaned) }
        Console.line("Deleted \(cleaned.functions.count) functions of application \(name)\(cleaned.applicationDeleted ? " and the application" : "")")
        if let bucket = cleaned.bucket {
            Console.line("Deleted \(cleaned.objects) objects under \(JobProtocol.defaultJobsPrefix) in bucket \(bucket)")
        }
    }
}
