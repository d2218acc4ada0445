import ArgumentParser
import Foundation

@main
struct OracleFn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oraclefn",
        abstract: "Run Lithops-style map jobs on Oracle Cloud Functions.",
        subcommands: [EmulatorCommand.self, HelloCommand.self, MapJobCommand.self]
    )

    /// Runs the command; exits 1 when a job or function failed and 2 for bad usage or configuration
    /// (ArgumentParser's own usage errors included), with the reason on stderr.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CLIFailure {
            FileHandle.standardError.write(Data("oraclefn: \(failure.description)\n".utf8))
            Foundation.exit(failure.exitCode)
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
