import Foundation
import OFLocking

/// The log groups and logs Logging (API 20200531) keeps, in memory. Every mutation validates first and changes
/// nothing when it throws.
final class LoggingStore: Sendable {
    private struct Stored<Resource: Sendable>: Sendable {
        var resource: Resource
        let created: Date
    }

    private struct State {
        var groups: [Stored<LogGroupResource>] = []
        var logs: [Stored<LogResource>] = []
    }

    /// The only service log source served: an application's invoke log.
    static let functionsService = "functions"
    static let invokeCategory = "invoke"
    static let logTypes = ["CUSTOM", "SERVICE"]
    static let retentionDays = stride(from: 30, through: 180, by: 30).map { $0 }
    static let defaultRetentionDays = 30

    private let tenancy: String
    private let clock: @Sendable () -> Date
    private let state = Locked(State())

    init(tenancy: String, clock: @escaping @Sendable () -> Date) {
        self.tenancy = tenancy
        self.clock = clock
    }

    // MARK: Log groups

    func createLogGroup(_ details: CreateLogGroupDetails) throws(OCIError) -> LogGroupResource {
        let compartmentId = try Self.required(details.compartmentId, "compartmentId", "the OCID of the compartment to create the log group in")
        let displayName = try Self.required(details.displayName, "displayName", "a name unique in the compartment")
        let now = self.clock()
        let group = LogGroupResource(
            id: Identifiers.ocid("loggroup"), compartmentId: compartmentId, displayName: displayName, description: details.description,
            lifecycleState: "ACTIVE", definedTags: details.definedTags ?? [:], freeformTags: details.freeformTags ?? [:],
            timeCreated: Identifiers.timestamp(now), timeLastModified: Identifiers.timestamp(now))
        return try self.state.withLock { state throws(OCIError) in
            if state.groups.contains(where: { $0.resource.compartmentId == compartmentId && $0.resource.displayName == displayName }) {
                throw .conflict("A log group named '\(displayName)' already exists in compartment \(compartmentId); choose another displayName or use the existing group.")
            }
            state.groups.append(Stored(resource: group, created: now))
            return group
        }
    }

    func logGroup(id: String) throws(OCIError) -> LogGroupResource {
        guard let group = self.state.withLock({ $0.groups.first { $0.resource.id == id }?.resource }) else {
            throw .notAuthorizedOrNotFound("log group \(id)")
        }
        return group
    }

    /// The groups of a compartment, oldest first, of one name when `displayName` is given.
    func logGroups(compartmentId: String, displayName: String?) -> [LogGroupResource] {
        self.state.withLock { state in
            state.groups.map(\.resource).filter { $0.compartmentId == compartmentId && (displayName == nil || $0.displayName == displayName) }
        }
    }

    // MARK: Logs

    /// Creates a log in a group. A SERVICE log must name an application's invoke log as its source; each
    /// application's invoke log exists once (OCI refuses a second log of the same source).
    func createLog(groupId: String, _ details: CreateLogDetails, applicationExists: Bool) throws(OCIError) -> LogResource {
        let group = try self.logGroup(id: groupId)
        let displayName = try Self.required(details.displayName, "displayName", "a name unique in the log group")
        let logType = try Self.required(details.logType, "logType", "SERVICE for an application's invoke log, or CUSTOM")
        guard Self.logTypes.contains(logType) else {
            throw .invalidParameter("logType '\(logType)' is not one of \(Self.logTypes.joined(separator: ", ")).")
        }
        let retention = details.retentionDuration ?? Self.defaultRetentionDays
        guard Self.retentionDays.contains(retention) else {
            throw .invalidParameter("retentionDuration \(retention) is not one of \(Self.retentionDays.map(String.init).joined(separator: ", ")) (days).")
        }
        if logType == "SERVICE" {
            guard let source = details.configuration?.source else {
                throw .missingParameter("configuration.source is mandatory for a SERVICE log: {\"sourceType\": \"OCISERVICE\", \"service\": \"functions\", \"resource\": \"<application OCID>\", \"category\": \"invoke\"}.")
            }
            guard source.sourceType == "OCISERVICE", source.service == Self.functionsService, source.category == Self.invokeCategory else {
                throw .invalidParameter("The source \(source.sourceType)/\(source.service)/\(source.category) is not served: the emulator keeps the invoke logs of Functions applications only (sourceType OCISERVICE, service functions, category invoke).")
            }
            guard applicationExists else {
                throw .relatedResourceNotFound("The source resource \(source.resource) is not an application of this Functions service; give the OCID of an application.")
            }
        } else if details.configuration != nil {
            throw .invalidParameter("A CUSTOM log takes no configuration; give logType SERVICE for an application's invoke log.")
        }
        let now = self.clock()
        let log = LogResource(
            id: Identifiers.ocid("log"), tenancyId: self.tenancy, logGroupId: group.id, compartmentId: group.compartmentId,
            displayName: displayName, logType: logType, isEnabled: details.isEnabled ?? true,
            configuration: details.configuration.map { configuration in
                var configuration = configuration
                configuration.compartmentId = configuration.compartmentId ?? group.compartmentId
                return configuration
            },
            lifecycleState: "ACTIVE", retentionDuration: retention, definedTags: details.definedTags ?? [:],
            freeformTags: details.freeformTags ?? [:], timeCreated: Identifiers.timestamp(now), timeLastModified: Identifiers.timestamp(now))
        return try self.state.withLock { state throws(OCIError) in
            if state.logs.contains(where: { $0.resource.logGroupId == groupId && $0.resource.displayName == displayName }) {
                throw .conflict("A log named '\(displayName)' already exists in log group \(groupId); choose another displayName or use the existing log.")
            }
            if let source = log.configuration?.source,
                let existing = state.logs.first(where: { $0.resource.configuration?.source.resource == source.resource && $0.resource.configuration?.source.category == source.category }) {
                throw .conflict("The \(source.category) log of \(source.resource) already exists: log \(existing.resource.id) in log group \(existing.resource.logGroupId).")
            }
            state.logs.append(Stored(resource: log, created: now))
            return log
        }
    }

    func log(groupId: String, id: String) throws(OCIError) -> LogResource {
        guard let log = self.state.withLock({ $0.logs.first { $0.resource.id == id && $0.resource.logGroupId == groupId }?.resource }) else {
            throw .notAuthorizedOrNotFound("log \(id) in log group \(groupId)")
        }
        return log
    }

    /// The logs of a group, oldest first, filtered by ListLogs' query (logType, sourceService, sourceResource,
    /// displayName, lifecycleState).
    func logs(groupId: String, query: [String: String]) throws(OCIError) -> [LogResource] {
        _ = try self.logGroup(id: groupId)
        return self.state.withLock { state in
            state.logs.map(\.resource).filter { log in
                log.logGroupId == groupId
                    && (query["logType"] == nil || log.logType == query["logType"])
                    && (query["sourceService"] == nil || log.configuration?.source.service == query["sourceService"])
                    && (query["sourceResource"] == nil || log.configuration?.source.resource == query["sourceResource"])
                    && (query["displayName"] == nil || log.displayName == query["displayName"])
                    && (query["lifecycleState"] == nil || log.lifecycleState == query["lifecycleState"])
            }
        }
    }

    // MARK: Search

    /// An enabled invoke log in a search's scope: the application whose lines it holds, from when it was created.
    struct InvokeLog: Sendable {
        var log: LogResource
        var applicationId: String
        var since: Date
    }

    /// The invoke logs a scope names. Log groups and logs are matched by OCID or by name.
    /// - Throws: 400 InvalidParameter naming the log group or log the scope names that is not there.
    func invokeLogs(in scope: LogSearchQuery.Scope) throws(OCIError) -> [InvokeLog] {
        try self.state.withLock { state throws(OCIError) in
            var groups = state.groups.map(\.resource).filter { $0.compartmentId == scope.compartment }
            if let wanted = scope.logGroup {
                groups = groups.filter { $0.id == wanted || $0.displayName == wanted }
                guard !groups.isEmpty else {
                    throw .invalidParameter("The search scope names log group '\(wanted)', which is not in compartment \(scope.compartment); give the OCID or name of a log group there.")
                }
            }
            let groupIds = Set(groups.map(\.id))
            var logs = state.logs.filter { groupIds.contains($0.resource.logGroupId) }
            if let wanted = scope.log {
                logs = logs.filter { $0.resource.id == wanted || $0.resource.displayName == wanted }
                guard !logs.isEmpty else {
                    throw .invalidParameter("The search scope names log '\(wanted)', which is not in log group '\(scope.logGroup ?? "")'; give the OCID or name of a log of that group.")
                }
            }
            return logs.compactMap { stored in
                guard stored.resource.isEnabled, let source = stored.resource.configuration?.source, source.service == Self.functionsService,
                    source.category == Self.invokeCategory
                else { return nil }
                return InvokeLog(log: stored.resource, applicationId: source.resource, since: stored.created)
            }
        }
    }

    private static func required(_ value: String?, _ name: String, _ what: String) throws(OCIError) -> String {
        guard let value, !value.isEmpty else { throw .missingParameter("\(name) is mandatory: give \(what).") }
        return value
    }
}
