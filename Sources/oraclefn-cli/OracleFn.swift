import ArgumentParser

@main
struct OracleFn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oraclefn",
        abstract: "Run Lithops-style map jobs on Oracle Cloud Functions.",
        subcommands: [EmulatorCommand.self]
    )
}
