import ArgumentParser
import Foundation
import OFServices
import OFTransport
import OFLocking

/// `oraclefn storage put|get|ls|rm|mb`: Object Storage from the command line, as `lithops storage` does it.
struct StorageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Put, get, list and delete objects, and make buckets, in Object Storage.",
        discussion: """
            Buckets live in the tenancy's namespace (oracle.tenancy_namespace, else looked up) and are made in \
            the oracle_oss compartment. Commands that take a bucket default to oracle_oss.storage_bucket.

            \(CLIFailure.exitStatuses)
            """,
        subcommands: [Put.self, Get.self, List.self, Remove.self, MakeBucket.self]
    )

    /// Deletes every object under `prefix`, a hundred at a time with a progress bar; returns how many.
    static func deleteAll(_ storage: ObjectStorageClient, bucket: String, prefix: String) async throws -> Int {
        let names = try await storage.listObjects(bucket: bucket, prefix: prefix).objects.map(\.name)
        let progress = ProgressBar("deleting objects", total: names.count)
        for start in stride(from: 0, to: names.count, by: 100) {
            let batch = Array(names[start..<min(start + 100, names.count)])
            try await storage.deleteObjects(bucket: bucket, names: batch)
            progress.advance(by: batch.count)
        }
        progress.finish()
        return names.count
    }

    /// One object as `ls` shows it.
    struct Entry: Encodable {
        var name: String
        var size: Int?
        var modified: String?
    }
}

extension StorageCommand {
    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Upload a file as an object (in parts when it is large).")

        @Argument(help: "The file to upload.")
        var file: String

        @Argument(help: "The bucket (default: oracle_oss.storage_bucket).")
        var bucket: String?

        @Option(name: .shortAndLong, help: "The object name (default: the file's name).")
        var key: String?

        @OptionGroup var config: ConfigOptions
        @OptionGroup var output: OutputOptions

        struct Stored: Encodable {
            var bucket: String
            var key: String
            var size: Int
            var etag: String?
            var md5: String?
            var parts: Int
        }

        func run() async throws {
            let session = try CloudSession(configuration: try config.load())
            let bucket = try session.bucket(bucket)
            let key = key ?? URL(fileURLWithPath: file).lastPathComponent
            let source: FileSource
            do {
                source = try FileSource(path: file)
            } catch {
                throw CLIFailure.usage(error.description)
            }
            let progress = ProgressBar("uploading \(key)", total: source.count, unit: .bytes)
            let result = try await CLIFailure.reporting("uploading \(file) to \(bucket)/\(key)") {
                try await session.storage.putObject(bucket: bucket, name: key, body: .source(ReportingSource(base: source, progress: progress)))
            }
            progress.finish()
            let stored = Stored(bucket: bucket, key: key, size: source.count, etag: result.etag, md5: result.md5, parts: result.parts)
            if output.json { return try Console.json(stored) }
            Console.line("Uploaded \(file) to \(bucket)/\(key) (\(Console.bytes(source.count))\(result.parts > 0 ? " in \(result.parts) parts" : ""))")
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download an object to a file (or to stdout with -o -).")

        @Argument(help: "The bucket.")
        var bucket: String

        @Argument(help: "The object name.")
        var key: String

        @Option(name: .shortAndLong, help: "Where to write it: a file, or - for stdout (default: the object's last name part, here).")
        var output: String?

        @OptionGroup var config: ConfigOptions

        func run() async throws {
            let session = try CloudSession(configuration: try config.load())
            let path = output ?? String(key.split(separator: "/").last ?? Substring(key))
            let file = FileSink(path == "-" ? .descriptor(STDOUT_FILENO) : .path(path))
            let reporting = ReportingSink(base: file, title: "downloading \(key)")
            defer { reporting.finish() }
            let content = try await CLIFailure.reporting("downloading \(bucket)/\(key)") {
                try await session.storage.download(bucket: bucket, name: key, to: file, through: reporting)
            }
            if path != "-" {
                Console.note("Downloaded \(bucket)/\(key) to \(path) (\(Console.bytes(content.metadata.contentLength)))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List the objects of a bucket (under a prefix), or the buckets of the compartment.",
            aliases: ["list"])  // Lithops' spelling

        @Argument(help: "The bucket (default: the buckets themselves are listed).")
        var bucket: String?

        @Option(name: .shortAndLong, help: "Only objects whose name starts with this.")
        var prefix: String?

        @OptionGroup var config: ConfigOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let session = try CloudSession(configuration: try config.load())
            guard let bucket else {
                let buckets = try await CLIFailure.reporting("listing the buckets of compartment \(session.storage.compartmentId)") {
                    try await session.storage.listBuckets()
                }
                if output.json { return try Console.json(buckets.map(\.name)) }
                return buckets.forEach { Console.line($0.name) }
            }
            let listing = try await CLIFailure.reporting("listing bucket \(bucket)") {
                try await session.storage.listObjects(bucket: bucket, prefix: prefix)
            }
            let entries = listing.objects.map { Entry(name: $0.name, size: $0.size, modified: $0.timeModified ?? $0.timeCreated) }
            if output.json { return try Console.json(entries) }
            Console.table(["SIZE", "MODIFIED", "NAME"], entries.map { ["\($0.size ?? 0)", $0.modified ?? "-", $0.name] })
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Delete objects by name, or every object under a prefix.", aliases: ["delete"])  // Lithops' spelling

        @Argument(help: "The bucket.")
        var bucket: String

        @Argument(help: "Object names.")
        var keys: [String] = []

        @Option(name: .shortAndLong, help: "Delete every object whose name starts with this.")
        var prefix: String?

        @OptionGroup var config: ConfigOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard !keys.isEmpty || prefix != nil else {
                throw ValidationError("name the objects to delete, or pass --prefix PREFIX (--prefix '' deletes every object of the bucket)")
            }
        }

        struct Removed: Encodable {
            var bucket: String
            var deleted: Int
        }

        func run() async throws {
            let session = try CloudSession(configuration: try config.load())
            var deleted = 0
            if !keys.isEmpty {
                // a named object must exist: deleting a name that is not there is most likely a typo
                for key in keys {
                    try await CLIFailure.reporting("deleting \(bucket)/\(key)") { try await session.storage.deleteObject(bucket: bucket, name: key) }
                    deleted += 1
                }
            }
            if let prefix {
                deleted += try await CLIFailure.reporting("deleting the objects under \"\(prefix)\" in \(bucket)") {
                    try await StorageCommand.deleteAll(session.storage, bucket: bucket, prefix: prefix)
                }
            }
            if output.json { return try Console.json(Removed(bucket: bucket, deleted: deleted)) }
            Console.line("Deleted \(deleted) objects from \(bucket)")
        }
    }

    struct MakeBucket: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "mb", abstract: "Make a bucket in the oracle_oss compartment.")

        @Argument(help: "The bucket's name (default: oracle_oss.storage_bucket).")
        var bucket: String?

        @OptionGroup var config: ConfigOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let session = try CloudSession(configuration: try config.load())
            let name = try session.bucket(bucket)
            let made = try await CLIFailure.reporting("making bucket \(name)") { try await session.storage.createBucket(name) }
            if output.json { return try Console.json(["bucket": made.name, "namespace": made.namespace, "compartment_id": made.compartmentId]) }
            Console.line("Made bucket \(made.name) in namespace \(made.namespace)")
        }
    }
}

/// An upload body that moves a progress bar as the transport reads it.
private struct ReportingSource: BodySource {
    let base: any BodySource
    let progress: ProgressBar
    var count: Int { base.count }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(TransportError) -> Int {
        let read = try base.read(at: offset, into: buffer)
        progress.advance(by: read)
        return read
    }
}

/// A download's bytes on their way to `base`, moving a progress bar.
private final class ReportingSink: ResponseSink, Sendable {
    let base: any ResponseSink
    private let title: String
    private let progress = Locked<ProgressBar?>(nil)

    init(base: any ResponseSink, title: String) {
        self.base = base
        self.title = title
    }

    func begin(expectedLength: Int?) throws(TransportError) {
        try base.begin(expectedLength: expectedLength)
        progress.withLock { $0 = ProgressBar(title, total: expectedLength ?? 0, unit: .bytes) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(TransportError) {
        try base.write(bytes)
        progress.withLock { $0?.advance(by: bytes.count) }
    }

    func finish() { progress.withLock { $0?.finish() } }
}
