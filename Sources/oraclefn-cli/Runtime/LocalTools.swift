import Foundation

/// A program run to its end: its status and what it wrote.
struct ProgramRun {
    let status: Int32
    let output: String
    let errorOutput: String

    /// The last line of stderr (else stdout) that says something: the gist of a failure.
    var gist: String {
        let text = errorOutput.contains { !$0.isWhitespace } ? errorOutput : output
        return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.last { !$0.isEmpty } ?? "no output"
    }
}

/// Finding and running the local programs runtime builds need.
enum Programs {
    /// The executable `name` on PATH, or the path itself when it has a `/`.
    static func find(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs the program; with `streaming` its stdout and stderr go to this process's stderr as they come
    /// (a build's log), otherwise they are collected. `input` is written to its stdin.
    static func run(_ path: String, _ arguments: [String], input: String? = nil, streaming: Bool = false) throws(CLIFailure) -> ProgramRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = streaming ? FileHandle.standardError : stdout
        process.standardError = streaming ? FileHandle.standardError : stderr
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        do {
            try process.run()
        } catch {
            throw .toolMissing("\(path) could not be started: \(error.localizedDescription); check that it is installed and executable")
        }
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        // read both pipes before waiting, so a chatty program never blocks on a full pipe
        let collected = streaming ? (Data(), Data()) : readBoth(stdout, stderr)
        process.waitUntilExit()
        return ProgramRun(
            status: process.terminationStatus, output: String(decoding: collected.0, as: UTF8.self),
            errorOutput: String(decoding: collected.1, as: UTF8.self))
    }

    private static func readBoth(_ out: Pipe, _ err: Pipe) -> (Data, Data) {
        let group = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        group.enter()
        DispatchQueue.global().async {
            errorData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        return (outputData, errorData)
    }
}

/// The Python that has the oraclefn package (whose worker the runtime image carries): $ORACLEFN_PYTHON, else
/// python3 on PATH.
struct PythonInterpreter {
    let path: String

    static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> PythonInterpreter? {
        let wanted = environment["ORACLEFN_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        return Programs.find(wanted, environment: environment).map(PythonInterpreter.init)
    }

    /// major.minor, e.g. "3.12".
    func version() throws(CLIFailure) -> String {
        let run = try Programs.run(path, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        guard run.status == 0 else { throw .toolMissing("\(path) does not run: \(run.gist); set ORACLEFN_PYTHON to a working Python 3.11 or 3.12") }
        return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes the runtime image's build context (Dockerfile, requirements, worker) for Python `python` into
    /// `folder`, with oraclefn.runtime.write_build_context.
    func writeBuildContext(folder: String, python: String) throws(CLIFailure) {
        let script = "import sys; from oraclefn.runtime import write_build_context; write_build_context(sys.argv[1], python=sys.argv[2])"
        let run = try Programs.run(path, ["-c", script, folder, python])
        guard run.status == 0 else {
            if run.errorOutput.contains("No module named 'oraclefn'") || run.errorOutput.contains("No module named 'cloudpickle'") {
                throw .toolMissing("\(path) cannot import the oraclefn package (\(run.gist)): install it with `pip install ./bindings/python`, or set ORACLEFN_PYTHON to a Python that has it")
            }
            throw .usage("the build context could not be written with \(path): \(run.gist)")
        }
    }
}

/// docker, else podman: builds runtime images and pushes them to the registry.
struct ContainerTool {
    let name: String
    let path: String

    /// The first of docker and podman on PATH.
    static func find(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CLIFailure) -> ContainerTool {
        for name in ["docker", "podman"] {
            if let path = Programs.find(name, environment: environment) { return ContainerTool(name: name, path: path) }
        }
        throw .toolMissing("neither docker nor podman is on PATH, and one is needed to build the runtime image: install Docker (https://docs.docker.com/engine/install/) or Podman, or build the context written above on a machine that has one")
    }

    /// Checks that the tool can reach its engine (docker's daemon), which building needs.
    func checkEngine() throws(CLIFailure) {
        let run = try Programs.run(path, ["info"])
        guard run.status == 0 else {
            let what = name == "docker" ? "the Docker daemon is not reachable" : "podman cannot reach its engine"
            throw .toolMissing("\(name) is installed (\(path)) but \(what) (\(run.gist)): start it (e.g. `sudo systemctl start \(name)`), or build the context written above on a machine where it runs")
        }
    }

    func build(image: String, dockerfile: String, context: String) throws(CLIFailure) {
        let run = try Programs.run(path, ["build", "--platform=linux/amd64", "-t", image, "-f", dockerfile, context], streaming: true)
        guard run.status == 0 else { throw .failed("\(name) build of \(image) failed with status \(run.status); its output is above") }
    }

    /// Logs in to the registry; the password goes through stdin, never on the command line.
    func login(server: String, user: String, password: String) throws(CLIFailure) {
        let run = try Programs.run(path, ["login", server, "-u", user, "--password-stdin"], input: password)
        guard run.status == 0 else {
            throw .failed("\(name) login to \(server) as \(user) failed (\(run.gist)): check docker_user and docker_password (an auth token from https://cloud.oracle.com/identity/domains/my-profile/auth-tokens) in the oracle_f section")
        }
    }

    func push(image: String) throws(CLIFailure) {
        let arguments = name == "podman" ? ["push", image, "--format", "docker", "--remove-signatures"] : ["push", image]
        let run = try Programs.run(path, arguments, streaming: true)
        guard run.status == 0 else {
            throw .failed("\(name) push of \(image) failed with status \(run.status): log in to the registry first (`\(name) login \(image.split(separator: "/").first ?? "")`) or set docker_password in the oracle_f section")
        }
    }
}
