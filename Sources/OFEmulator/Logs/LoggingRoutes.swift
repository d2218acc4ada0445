import Foundation
import Hummingbird

/// OCI Logging: log groups, logs and their work requests (API 20200531), and SearchLogs (API 20190909) over the
/// handlers' output kept as the invoke logs of the applications that have one.
struct LoggingRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    static let managementVersion = "20200531"
    static let searchVersion = "20190909"
    static let defaultPageSize = 100
    static let maxPageSize = 1000

    let store: LoggingStore
    let lines: LogStore
    let workRequests: WorkRequestLog
    /// Whether an OCID is one of the Functions applications (an invoke log's source must be).
    let applicationExists: @Sendable (String) async -> Bool

    func register(on router: Router<Context>) {
        let management = router.group(RouterPath(Self.managementVersion))
        management.post("logGroups") { request, _ in try await self.createLogGroup(request) }
        management.get("logGroups") { request, _ in try self.listLogGroups(request) }
        management.get("logGroups/:logGroupId") { _, context in
            try Responses.json(self.store.logGroup(id: context.pathParameter("logGroupId")))
        }
        management.post("logGroups/:logGroupId/logs") { request, context in try await self.createLog(request, context) }
        management.get("logGroups/:logGroupId/logs") { request, context in
            let logs = try self.store.logs(groupId: context.pathParameter("logGroupId"), query: request.queryParameters())
            return try Self.page(logs, request)
        }
        management.get("logGroups/:logGroupId/logs/:logId") { _, context in
            try Responses.json(self.store.log(groupId: context.pathParameter("logGroupId"), id: context.pathParameter("logId")))
        }
        management.get("workRequests") { request, _ in try Self.page(self.workRequests.list(query: request.queryParameters()), request) }
        management.get("workRequests/:workRequestId") { _, context in
            try Responses.json(self.workRequests.request(id: context.pathParameter("workRequestId")))
        }
        // the emulator's work requests never fail and log nothing
        for detail in ["errors", "logs"] {
            management.get(RouterPath("workRequests/:workRequestId/\(detail)")) { _, context in
                _ = try self.workRequests.request(id: context.pathParameter("workRequestId"))
                return try Responses.json([String]())
            }
        }
        router.post(RouterPath("\(Self.searchVersion)/search")) { request, _ in try await self.search(request) }
    }

    // MARK: Management

    private func createLogGroup(_ request: Request) async throws -> Response {
        let group = try self.store.createLogGroup(try await request.decodeJSON(CreateLogGroupDetails.self))
        let workRequest = self.workRequests.record("CREATE_LOG_GROUP", compartmentId: group.compartmentId, resource: WorkRequestResource(
            entityType: "loggroup", actionType: "CREATED", identifier: group.id, entityUri: "/\(Self.managementVersion)/logGroups/\(group.id)"))
        return Responses.empty(status: .accepted, headers: ["opc-work-request-id": workRequest])
    }

    private func listLogGroups(_ request: Request) throws -> Response {
        let query = try request.queryParameters()
        guard let compartmentId = query["compartmentId"] else {
            throw OCIError.missingParameter("compartmentId is mandatory: give the OCID of the compartment whose log groups to list.")
        }
        return try Self.page(self.store.logGroups(compartmentId: compartmentId, displayName: query["displayName"]), request)
    }

    private func createLog(_ request: Request, _ context: Context) async throws -> Response {
        let groupId = try context.pathParameter("logGroupId")
        let details = try await request.decodeJSON(CreateLogDetails.self)
        let source = details.configuration?.source.resource
        let exists = await source.asyncMap(self.applicationExists) ?? false
        let log = try self.store.createLog(groupId: groupId, details, applicationExists: exists)
        let workRequest = self.workRequests.record("CREATE_LOG", compartmentId: log.compartmentId, resource: WorkRequestResource(
            entityType: "log", actionType: "CREATED", identifier: log.id,
            entityUri: "/\(Self.managementVersion)/logGroups/\(groupId)/logs/\(log.id)"))
        return Responses.empty(status: .accepted, headers: ["opc-work-request-id": workRequest])
    }

    // MARK: Search

    struct SearchLogsDetails: Decodable {
        var timeStart: String?
        var timeEnd: String?
        var searchQuery: String?
        var isReturnFieldInfo: Bool?
    }

    struct SearchResponse: Encodable {
        struct Result: Encodable { var data: JSONValue }
        struct Field: Encodable {
            var fieldName: String
            var fieldType: String
        }
        struct Summary: Encodable {
            var resultCount: Int
            var fieldCount: Int
        }
        var results: [Result]
        var fields: [Field]
        var summary: Summary
    }

    private func search(_ request: Request) async throws -> Response {
        let details = try await request.decodeJSON(SearchLogsDetails.self)
        let start = try Self.time(details.timeStart, "timeStart")
        let end = try Self.time(details.timeEnd, "timeEnd")
        guard start <= end else {
            throw OCIError.invalidParameter("timeStart \(details.timeStart ?? "") is after timeEnd \(details.timeEnd ?? ""); give a window that starts before it ends.")
        }
        guard let text = details.searchQuery, !text.isEmpty else {
            throw OCIError.missingParameter("searchQuery is mandatory: search \"<compartment OCID>/<log group>/<log>\" | sort by datetime asc.")
        }
        let query = try LogSearchQuery(text)
        var invokeLogs: [String: LoggingStore.InvokeLog] = [:]
        for scope in query.scopes {
            for invokeLog in try self.store.invokeLogs(in: scope) { invokeLogs[invokeLog.log.id] = invokeLog }
        }
        let lines = self.lines.lines(LogQuery(since: start))
        let records = invokeLogs.values.sorted { $0.log.id < $1.log.id }.flatMap { invokeLog in
            InvokeLogRecords.records(of: invokeLog, lines: lines, start: start, end: end).filter(query.matches)
        }
        // records of several logs interleave by time unless the query sorts them otherwise
        let byTime = records.enumerated().sorted { (Self.millis($0.element), $0.offset) < (Self.millis($1.element), $1.offset) }.map(\.element)
        let ordered = query.sorted(byTime)
        let page = try Self.paging(request).slice(ordered)
        let fields = details.isReturnFieldInfo == true ? InvokeLogRecords.fields.map { SearchResponse.Field(fieldName: $0.name, fieldType: $0.type) } : []
        let answer = SearchResponse(
            results: page.items.map { SearchResponse.Result(data: $0) }, fields: fields,
            summary: .init(resultCount: page.items.count, fieldCount: fields.count))
        return try Responses.json(answer, headers: page.nextPage.map { ["opc-next-page": $0] } ?? [:])
    }

    private static func millis(_ record: JSONValue) -> Double {
        if case .number(let value)? = LogSearchQuery.value(["datetime"], in: record) { return value }
        return 0
    }

    private static func time(_ text: String?, _ name: String) throws(OCIError) -> Date {
        guard let text else { throw .missingParameter("\(name) is mandatory: an RFC 3339 time such as 2026-06-02T10:20:30.000Z.") }
        guard let date = Identifiers.date(text) else {
            throw .invalidParameter("\(name) '\(text)' is not an RFC 3339 time such as 2026-06-02T10:20:30.000Z.")
        }
        return date
    }

    // MARK: Helpers

    private static func paging(_ request: Request) throws -> Paging {
        let query = try request.queryParameters()
        return try Paging(limit: query["limit"], page: query["page"], defaultLimit: Self.defaultPageSize, maxLimit: Self.maxPageSize)
    }

    private static func page<Item: Encodable>(_ items: [Item], _ request: Request) throws -> Response {
        let page = try self.paging(request).slice(items)
        return try Responses.json(page.items, headers: page.nextPage.map { ["opc-next-page": $0] } ?? [:])
    }
}

extension Optional {
    fileprivate func asyncMap<Result>(_ transform: (Wrapped) async -> Result) async -> Result? {
        guard let self else { return nil }
        return await transform(self)
    }
}
