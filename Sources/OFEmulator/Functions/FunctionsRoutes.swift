import Hummingbird

/// The Functions management API, served under both API versions the SDKs use (`/20181201` and `/20260325`)
/// by the same handlers. The invoke route lives with the runner (Server/InvokeRoutes.swift). Creates, updates and
/// deletes answer with an `opc-work-request-id`, whose work request GetWorkRequest and ListWorkRequests serve.
struct FunctionsRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    static let apiVersions = ["20181201", "20260325"]
    /// OCI's list paging for Functions: 10 per page unless asked, at most 50.
    static let defaultPageSize = 10
    static let maxPageSize = 50

    let store: FunctionStore
    let workRequests: WorkRequestLog
    /// Called with the id of every function whose definition changed or went away (its hot handlers must go).
    let functionChanged: @Sendable (String) async -> Void

    func register(on router: Router<Context>) {
        for version in Self.apiVersions {
            let group = router.group(RouterPath(version))
            group.post("applications") { request, _ in try await self.createApplication(request, version) }
            group.get("applications") { request, _ in try await self.listApplications(request) }
            group.get("applications/:applicationId") { _, context in try await self.getApplication(context) }
            group.put("applications/:applicationId") { request, context in try await self.updateApplication(request, context, version) }
            group.delete("applications/:applicationId") { request, context in try await self.deleteApplication(request, context) }

            group.post("functions") { request, _ in try await self.createFunction(request, version) }
            group.get("functions") { request, _ in try await self.listFunctions(request) }
            group.get("functions/:functionId") { _, context in try await self.getFunction(context) }
            group.put("functions/:functionId") { request, context in try await self.updateFunction(request, context, version) }
            group.delete("functions/:functionId") { request, context in try await self.deleteFunction(request, context) }

            group.get("workRequests") { request, _ in try self.listWorkRequests(request) }
            group.get("workRequests/:workRequestId") { _, context in
                try Responses.json(self.workRequests.request(id: context.pathParameter("workRequestId")))
            }
            // the emulator's work requests never fail and log nothing
            for detail in ["errors", "logs"] {
                group.get(RouterPath("workRequests/:workRequestId/\(detail)")) { _, context in
                    _ = try self.workRequests.request(id: context.pathParameter("workRequestId"))
                    return try Responses.json(["items": [String]()])
                }
            }
        }
    }

    // MARK: Applications

    private func createApplication(_ request: Request, _ version: String) async throws -> Response {
        let details = try await request.decodeJSON(CreateApplicationDetails.self)
        let (application, etag) = try await self.store.createApplication(details)
        let workRequest = self.record("CREATE_APPLICATION", "CREATED", application: application, version)
        return try Responses.json(application, headers: ["etag": etag, "opc-work-request-id": workRequest])
    }

    private func listApplications(_ request: Request) async throws -> Response {
        let query = try request.queryParameters()
        guard let compartmentId = query["compartmentId"] else {
            throw OCIError.missingParameter("compartmentId is mandatory: give the OCID of the compartment whose applications to list.")
        }
        let criteria = try ListCriteria(query: query)
        let paging = try Paging(limit: query["limit"], page: query["page"], defaultLimit: Self.defaultPageSize, maxLimit: Self.maxPageSize)
        let page = paging.slice(await self.store.listApplications(compartmentId: compartmentId, criteria: criteria))
        return try Responses.json(page.items.map { try Responses.summary($0, without: ["config", "syslogUrl"]) }, headers: page.nextPage.map { ["opc-next-page": $0] } ?? [:])
    }

    private func getApplication(_ context: Context) async throws -> Response {
        let (application, etag) = try await self.store.application(id: context.pathParameter("applicationId"))
        return try Responses.json(application, headers: ["etag": etag])
    }

    private func updateApplication(_ request: Request, _ context: Context, _ version: String) async throws -> Response {
        let id = try context.pathParameter("applicationId")
        let details = try await request.decodeJSON(UpdateApplicationDetails.self)
        let (application, etag) = try await self.store.updateApplication(id: id, details, ifMatch: request.headers[.ifMatch])
        if details.config != nil {
            for functionId in await self.store.functionIds(applicationId: id) {
                await self.functionChanged(functionId)
            }
        }
        let workRequest = self.record("UPDATE_APPLICATION", "UPDATED", application: application, version)
        return try Responses.json(application, headers: ["etag": etag, "opc-work-request-id": workRequest])
    }

    private func deleteApplication(_ request: Request, _ context: Context) async throws -> Response {
        let id = try context.pathParameter("applicationId")
        let (application, _) = try await self.store.application(id: id)
        try await self.store.deleteApplication(id: id, ifMatch: request.headers[.ifMatch])
        let workRequest = self.record("DELETE_APPLICATION", "DELETED", application: application, nil)
        return Responses.empty(headers: ["opc-work-request-id": workRequest])
    }

    // MARK: Functions

    private func createFunction(_ request: Request, _ version: String) async throws -> Response {
        let details = try await request.decodeJSON(CreateFunctionDetails.self)
        let (function, etag) = try await self.store.createFunction(details)
        let workRequest = self.record("CREATE_FUNCTION", "CREATED", function: function, version)
        return try Responses.json(function, headers: ["etag": etag, "opc-work-request-id": workRequest])
    }

    private func listFunctions(_ request: Request) async throws -> Response {
        let query = try request.queryParameters()
        guard let applicationId = query["applicationId"] else {
            throw OCIError.missingParameter("applicationId is mandatory: give the OCID of the application whose functions to list.")
        }
        let criteria = try ListCriteria(query: query)
        let paging = try Paging(limit: query["limit"], page: query["page"], defaultLimit: Self.defaultPageSize, maxLimit: Self.maxPageSize)
        let page = paging.slice(await self.store.listFunctions(applicationId: applicationId, criteria: criteria))
        return try Responses.json(page.items.map { try Responses.summary($0, without: ["config"]) }, headers: page.nextPage.map { ["opc-next-page": $0] } ?? [:])
    }

    private func getFunction(_ context: Context) async throws -> Response {
        let (function, etag) = try await self.store.functionResource(id: context.pathParameter("functionId"))
        return try Responses.json(function, headers: ["etag": etag])
    }

    private func updateFunction(_ request: Request, _ context: Context, _ version: String) async throws -> Response {
        let id = try context.pathParameter("functionId")
        let details = try await request.decodeJSON(UpdateFunctionDetails.self)
        let (function, etag) = try await self.store.updateFunction(id: id, details, ifMatch: request.headers[.ifMatch])
        await self.functionChanged(id)
        let workRequest = self.record("UPDATE_FUNCTION", "UPDATED", function: function, version)
        return try Responses.json(function, headers: ["etag": etag, "opc-work-request-id": workRequest])
    }

    private func deleteFunction(_ request: Request, _ context: Context) async throws -> Response {
        let id = try context.pathParameter("functionId")
        let (function, _) = try await self.store.functionResource(id: id)
        try await self.store.deleteFunction(id: id, ifMatch: request.headers[.ifMatch])
        await self.functionChanged(id)
        let workRequest = self.record("DELETE_FUNCTION", "DELETED", function: function, nil)
        return Responses.empty(headers: ["opc-work-request-id": workRequest])
    }

    // MARK: Work requests

    private func listWorkRequests(_ request: Request) throws -> Response {
        let query = try request.queryParameters()
        let paging = try Paging(limit: query["limit"], page: query["page"], defaultLimit: Self.defaultPageSize, maxLimit: Self.maxPageSize)
        let page = paging.slice(try self.workRequests.list(query: query))
        return try Responses.json(["items": page.items], headers: page.nextPage.map { ["opc-next-page": $0] } ?? [:])
    }

    /// `version` nil: the resource is gone, so there is no URI to read it at.
    private func record(_ operation: String, _ action: String, application: ApplicationResource, _ version: String?) -> String {
        self.workRequests.record(operation, compartmentId: application.compartmentId, resource: WorkRequestResource(
            entityType: "application", actionType: action, identifier: application.id,
            entityUri: version.map { "/\($0)/applications/\(application.id)" } ?? ""))
    }

    private func record(_ operation: String, _ action: String, function: FunctionResource, _ version: String?) -> String {
        self.workRequests.record(operation, compartmentId: function.compartmentId, resource: WorkRequestResource(
            entityType: "function", actionType: action, identifier: function.id,
            entityUri: version.map { "/\($0)/functions/\(function.id)" } ?? ""))
    }
}
