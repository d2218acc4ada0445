// Enabling the runtime application's invoke log in OCI Logging, for `logs poll` on Oracle Functions.
import OFConfig
import OFServices

/// The invoke log of an application: what `oracle_f.log_group_id` and `log_id` name.
public struct InvokeLog: Codable, Sendable, Equatable {
    public var applicationId: String
    public var applicationName: String
    public var logGroupId: String
    public var logId: String
    /// Whether this call created the log (false: it was there already).
    public var created: Bool
}

public enum InvokeLogSetup {
    /// The log group an invoke log is made in when the application has none.
    public static let defaultLogGroupName = "oraclefn"

    /// The invoke log of the configuration's runtime application: the one it has (in any log group of the
    /// compartment), else a new one, `<application>_invoke` as the console names it, in the log group named
    /// `logGroupName` (made when missing).
    public static func enable(
        configuration: Configuration, management: FunctionsManagementClient, logging: LoggingManagementClient,
        logGroupName: String = defaultLogGroupName
    ) async throws -> InvokeLog {
        let compartmentId = configuration.functions.compartmentId
        let applicationName = RuntimeNaming.applicationName(configuration: configuration)
        do {
            guard let application = try await management.listApplications(displayName: applicationName).first else {
                throw EngineError(.notFound, "application \(applicationName) is not in compartment \(compartmentId): deploy the runtime first (`oraclefn runtime deploy`), then enable its log")
            }
            let groups = try await logging.listLogGroups(compartmentId: compartmentId)
            for group in groups {
                if let log = try await logging.listLogs(logGroupId: group.id, sourceService: "functions", sourceResource: application.id)
                    .first(where: { $0.configuration?.source.category == "invoke" }) {
                    return InvokeLog(applicationId: application.id, applicationName: applicationName, logGroupId: group.id, logId: log.id, created: false)
                }
            }
            let groupId: String
            if let existing = groups.first(where: { $0.displayName == logGroupName }) {
                groupId = existing.id
            } else {
                groupId = try await logging.createLogGroup(compartmentId: compartmentId, displayName: logGroupName, description: "Logs of the functions oraclefn runs")
            }
            let logId = try await logging.createInvokeLog(logGroupId: groupId, displayName: "\(applicationName)_invoke", applicationId: application.id)
            return InvokeLog(applicationId: application.id, applicationName: applicationName, logGroupId: groupId, logId: logId, created: true)
        } catch {
            throw EngineError(error, while: "enabling the invoke log of application \(applicationName)")
        }
    }
}
