import ArgumentParser
import Foundation
import OFConfig
import OFEngine
import OFServices

/// `oraclefn runtime build|deploy|list|update|delete`, as `lithops runtime` does them for oracle_f.
struct RuntimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runtime",
        abstract: "Build, deploy, list, update and delete runtimes: the worker image and its functions.",
        discussion: """
            A runtime is a container image with the oraclefn worker. Each runtime and memory size is one function, \
            named as Lithops names it (lithops-worker-<image>-v<version>-<hash>), in the application \
            oracle_f.application_name (default lithops_ and seven characters of the user OCID), which is made with \
            oracle_f.subnet_id when missing. A runtime name without '/' is an image in the tenancy's registry, \
            <docker_server>/<namespace>/<name>:latest; a name with '/' is a whole image name. Without a name the \
            runtime is oracle_f.runtime, else the default Python runtime oraclefn-python-v<major><minor>, which \
            on the emulator is its built-in image oraclefn/python.

            \(CLIFailure.exitStatuses)
            """,
        subcommands: [Build.self, Deploy.self, List.self, Update.self, Delete.self]
    )
}

/// Python versions the runtime image is made for.
struct PythonOption: ParsableArguments {
    static let supported = Runtimes.pythonVersions

    @Option(help: "Python version of the default runtime: 3.11 or 3.12 (default: that of $ORACLEFN_PYTHON or python3, else 3.12).")
    var python: String?

    func validate() throws {
        if let python, !Self.supported.contains(python) {
            throw ValidationError("--python \(python): the runtime image is made for Python 3.11 or 3.12; pass one of them")
        }
    }

    /// The version asked for, else the local interpreter's when the image supports it, else 3.12.
    var resolved: String { Self.resolve(python) }

    static func resolve(_ asked: String?) -> String {
        if let asked { return asked }
        let local = try? PythonInterpreter.find()?.version()
        return local.flatMap { supported.contains($0) ? $0 : nil } ?? "3.12"
    }
}

/// What the runtime commands share: the clients and the runtimes of the configuration.
struct RuntimeSetup {
    let session: CloudSession
    let runtimes: Runtimes

    init(_ options: ConfigOptions) async throws(CLIFailure) {
        try await self.init(configuration: try options.load())
    }

    init(configuration: Configuration) async throws(CLIFailure) {
        session = try CloudSession(configuration: configuration)
        let storage = session.storage
        let namespace = try await CLIFailure.reporting("looking up the tenancy's Object Storage namespace (set tenancy_namespace in the oracle section to skip it)") {
            try await storage.namespace()
        }
        runtimes = Runtimes(
            configuration: configuration, management: session.management, invoker: session.invoker, namespace: namespace,
            isEmulator: try await session.isEmulator())
    }

    var naming: RuntimeNaming { runtimes.naming }
    var applicationName: String { runtimes.applicationName }

    /// See `Runtimes.runtime(_:python:registry:)`.
    func runtime(_ name: String?, python: @autoclosure () -> String, registry: Bool = false) -> (name: String, image: String) {
        runtimes.runtime(name, python: python(), registry: registry)
    }
}

extension RuntimeCommand {
    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the runtime's build context, build its image with docker or podman and push it.",
            discussion: """
                The build context (Dockerfile, requirements and the oraclefn worker) is written by the oraclefn Python \
                package of $ORACLEFN_PYTHON or python3. The image is built for linux/amd64, as Oracle Functions runs \
                it; with oracle_f.docker_password (an auth token) the tool logs in to docker_server first, as \
                docker_user or <namespace>/<the user's name>.
                """)

        @Argument(help: "Runtime name or image (default: oracle_f.runtime, else the default Python runtime).")
        var name: String?

        @Option(name: .shortAndLong, help: "Build with this Dockerfile instead of the one written into the context.")
        var file: String?

        @Option(help: "Write the build context into this folder (default: a new temporary one).")
        var context: String?

        @Flag(help: "Build the image but do not push it.")
        var noPush = false

        @OptionGroup var python: PythonOption
        @OptionGroup var config: ConfigOptions
        @OptionGroup var output: OutputOptions

        struct Built: Encodable {
            var runtime: String
            var image: String
            var context: String
            var pushed: Bool
        }

        func run() async throws {
            let setup = try await RuntimeSetup(config)
            let version = python.resolved
            // an image is built for a registry: even on the emulator, whose default runtime needs none
            let (runtime, image) = setup.runtime(name, python: version, registry: true)
            guard let interpreter = PythonInterpreter.find() else {
                throw CLIFailure.toolMissing("no Python to write the build context with: install Python 3.11 or 3.12 with the oraclefn package, or set ORACLEFN_PYTHON to one")
            }
            let folder = try context ?? Self.temporaryFolder()
            try interpreter.writeBuildContext(folder: folder, python: version)
            Console.note("build context for \(image) written to \(folder)")
            let tool = try ContainerTool.find()
            try tool.checkEngine()
            try tool.build(image: image, dockerfile: file ?? folder + "/Dockerfile", context: folder)
            if !noPush {
                if let password = setup.session.configuration.functions.dockerPassword {
                    try tool.login(server: setup.session.configuration.functions.dockerServer, user: try await registryUser(setup), password: password)
                }
                try tool.push(image: image)
            }
            let built = Built(runtime: runtime, image: image, context: folder, pushed: !noPush)
            if output.json { return try Console.json(built) }
            Console.line(noPush ? "Built \(image)" : "Built and pushed \(image)")
        }

        /// docker_user, else `<namespace>/<the user's name>` as OCIR expects (Lithops takes the user's email).
        private func registryUser(_ setup: RuntimeSetup) async throws(CLIFailure) -> String {
            if let user = setup.session.configuration.functions.dockerUser { return user }
            let identity = setup.session.identity
            guard let userId = setup.session.configuration.functions.credentials.apiKey?.user ?? setup.session.configuration.oracle.user else {
                throw .usage("the registry login needs a user: set docker_user in the oracle_f section (e.g. <namespace>/<your user name>)")
            }
            let user = try await CLIFailure.reporting("reading user \(userId) to name the registry login (or set docker_user in the oracle_f section)") {
                try await identity.getUser(id: userId)
            }
            return "\(setup.naming.namespace)/\(user.email ?? user.name)"
        }

        private static func temporaryFolder() throws(CLIFailure) -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("oraclefn-runtime-\(UUID().uuidString.prefix(8))").path
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw .failed("cannot make the build context folder \(path): \(error.localizedDescription); pass --context DIR")
            }
            return path
        }
    }

    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deploy a runtime: make or update its function, wait until it is ACTIVE and ask its worker for its metadata.")

        @Argument(help: "Runtime name or image (default: oracle_f.runtime, else the default Python runtime).")
        var name: String?

        @Option(name: .shortAndLong, help: "Memory in MB: 128, 256, 512, 1024, 2048 or 3072 (default: oracle_f.runtime_memory).")
        var memory: Int?

        @Option(name: .shortAndLong, help: "Timeout in seconds, 1 to 300 (default: oracle_f.runtime_timeout).")
        var timeout: Int?

        @OptionGroup var python: PythonOption
        @OptionGroup var config: ConfigOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let memory, !FunctionsSettings.memorySizes.contains(memory) {
                throw ValidationError("--memory \(memory): Oracle Functions offers 128, 256, 512, 1024, 2048 or 3072 MB; pass one of them")
            }
            if let timeout, !FunctionsSettings.timeoutRange.contains(timeout) {
                throw ValidationError("--timeout \(timeout): Oracle Functions allows 1 to 300 seconds")
            }
        }

        func run() async throws {
            let setup = try await RuntimeSetup(config)
            let version = python.resolved
            let (runtime, image) = setup.runtime(name, python: version)
            let functions = setup.session.configuration.functions
            let memory = memory ?? functions.runtimeMemory
            let progress = ProgressBar("deploying \(runtime)", total: 3)
            let deployed = try await CLIFailure.reporting("deploying runtime \(runtime) (image \(image), \(memory) MB)") {
                try await setup.runtimes.deploy(runtime: runtime, image: image, memory: memory, timeout: timeout ?? functions.runtimeTimeout) { _ in
                    progress.advance()
                }
            }
            progress.finish()
            if output.json { return try Console.json(deployed) }
            Console.line("Deployed runtime \(runtime): image \(deployed.image), \(deployed.memory) MB, \(deployed.timeout.map { "\($0) s" } ?? "default timeout")")
            Console.line("  function     \(deployed.function) (\(deployed.functionId))")
            Console.line("  application  \(deployed.application)")
            if let metadata = deployed.metadata {
                Console.line("  worker       \(metadata.worker)\(metadata.pythonVersion.map { ", Python \($0)" } ?? ""), oraclefn \(metadata.version ?? "?")")
                if let remote = metadata.pythonVersion, remote != version {
                    Console.note("note: the runtime runs Python \(remote), not \(version); Python jobs need the client's Python version")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the deployed runtimes: image, memory, version and function.")

        @Argument(help: "Only this runtime (a name or image).")
        var name: String?

        @OptionGroup var config: ConfigOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let setup = try await RuntimeSetup(config)
            let wanted = name.map { setup.naming.image(of: $0) }
            let runtimes = try await CLIFailure.reporting("listing the runtimes of application \(setup.applicationName)") {
                try await setup.runtimes.list().filter { wanted == nil || $0.image == wanted }
            }
            if output.json { return try Console.json(runtimes) }
            guard !runtimes.isEmpty else {
                return Console.line("No runtimes\(name.map { " named \($0)" } ?? "") are deployed in application \(setup.applicationName).")
            }
            Console.table(
                ["IMAGE", "MEMORY", "VERSION", "FUNCTION"],
                runtimes.map { [$0.image, "\($0.memory) MB", $0.version ?? "-", $0.function] })
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deploy again every runtime of this version (or only the one named), so they run their image's latest build.")

        @Argument(help: "Only this runtime (a name or image).")
        var name: String?

        @OptionGroup var config: ConfigOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let setup = try await RuntimeSetup(config)
            let wanted = name.map { setup.naming.image(of: $0) }
            let current = try await CLIFailure.reporting("listing the runtimes of application \(setup.applicationName)") {
                try await setup.runtimes.deployedRuntimes().filter {
                    $0.freeformTags?["lithops_version"] == setup.naming.version && (wanted == nil || $0.image == wanted)
                }
            }
            if current.isEmpty, let name {
                throw CLIFailure.notFound("no runtime \(name) of version \(setup.naming.version) is deployed in application \(setup.applicationName); deploy it with `oraclefn runtime deploy \(name)`")
            }
            let progress = ProgressBar("updating runtimes", total: current.count)
            var updated: [RuntimeFunction] = []
            for function in current {
                let runtime = function.freeformTags?["oraclefn_runtime"] ?? function.image ?? function.displayName
                let image = function.image ?? setup.naming.image(of: runtime)
                let memory = function.memoryInMBs ?? setup.session.configuration.functions.runtimeMemory
                updated.append(try await CLIFailure.reporting("updating runtime \(runtime) (\(memory) MB)") {
                    try await setup.runtimes.deploy(
                        runtime: runtime, image: image, memory: memory, timeout: setup.session.configuration.functions.runtimeTimeout) { _ in }
                })
                progress.advance()
            }
            progress.finish()
            if output.json { return try Console.json(updated) }
            if updated.isEmpty { return Console.line("No runtimes of version \(setup.naming.version) are deployed in application \(setup.applicationName).") }
            for runtime in updated {
                Console.line("Updated \(runtime.function): image \(runtime.image), \(runtime.memory) MB")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a runtime's functions (every memory size, or the one given).")

        @Argument(help: "Runtime name or image (default: oracle_f.runtime, else the default Python runtime).")
        var name: String?

        @Option(name: .shortAndLong, help: "Only the function of this memory size (MB).")
        var memory: Int?

        @Option(name: .shortAndLong, help: "Only functions deployed by this oraclefn version.")
        var version: String?

        @OptionGroup var python: PythonOption
        @OptionGroup var config: ConfigOptions
        @OptionGroup var output: OutputOptions

        struct Deleted: Encodable {
            var runtime: String
            var image: String
            var deleted: [String]
        }

        func run() async throws {
            let setup = try await RuntimeSetup(config)
            let (runtime, image) = setup.runtime(name, python: python.resolved)
            let matching = try await CLIFailure.reporting("listing the runtimes of application \(setup.applicationName)") {
                try await setup.runtimes.deployed(image: image, memory: memory, version: version)
            }
            guard !matching.isEmpty else {
                throw CLIFailure.notFound("no runtime \(runtime) (image \(image)\(memory.map { ", \($0) MB" } ?? "")) is deployed in application \(setup.applicationName); `oraclefn runtime list` shows what is")
            }
            let progress = ProgressBar("deleting \(runtime)", total: matching.count)
            try await CLIFailure.reporting("deleting runtime \(runtime)") {
                try await setup.runtimes.delete(matching) { _ in progress.advance() }
            }
            progress.finish()
            if output.json { return try Console.json(Deleted(runtime: runtime, image: image, deleted: matching.map(\.displayName))) }
            for function in matching {
                Console.line("Deleted \(function.displayName) (\(function.memoryInMBs.map { "\($0) MB" } ?? "?"))")
            }
        }
    }
}
