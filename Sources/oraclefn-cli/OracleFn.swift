import ArgumentParser
import Foundation
import OFNativeHandler

@main
struct OracleFn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oraclefn",
        abstract: "Run Lithops-style map jobs on Oracle Cloud Functions.",
        discussion: """
            The commands read the Lithops configuration (-c FILE, else LITHOPS_CONFIG_FILE, ./.lithops_config, \
            ~/.lithops/config, /etc/lithops/config) with its lithops, oracle, oracle_f and oracle_oss sections. \
            See docs/cli.md.

            \(CLIFailure.exitStatuses)
            """,
        subcommands: [
            HelloCommand.self, RuntimeCommand.self, CleanCommand.self, LogsCommand.self, StorageCommand.self, ConfigCommand.self,
            EmulatorCommand.self, MapJobCommand.self,
        ]
    )

    /// Runs the command; a failure is one line on stderr and the exit status of its kind (CLIFailure), and
    /// ArgumentParser's usage errors exit with 2 as well.
    static func main() async {
        // `oraclefn fdk <behaviour>`: the emulator's native handler, which shares this binary in what ships
        if CommandLine.arguments.dropFirst().first == NativeHandler.toolCommand {
            await NativeHandler.main(arguments: CommandLine.arguments.dropFirst(2))
            return
        }
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
            let message = message(for: error).replacingOccurrences(of: "\n", with: " ")
            FileHandle.standardError.write(Data("oraclefn: \(message) (see --help)\n".utf8))
            Foundation.exit(2)
        }
    }
}
