import Hummingbird

/// The Functions management API, served under both API versions the SDKs use (`/20181201` and `/20260325`)
/// by the same handlers. The invoke route lives with the runner (Server/InvokeRoutes.swift).
struct FunctionsRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    static let apiVersions = ["20181201", "20260325"]
    /// OCI's list paging for Functions: 10 per page unless asked, at most 50.
    static let defaultPageSize = 10
    static let maxPageSize = 50

    let store: FunctionStore
    /// Called with the id of every function whose definition changed or went away (its hot handlers must go).
    let functionChanged: @Sendable (String) async -> Void

    func register(on router: Router<Context>) {
        for version in Self.apiVersions {
            let group = router.group(RouterPath(version))
            group.post("applications") { request, _ in try await self.createApplication(request) }
            group.get("applications") { request, _ in try await self.listApplications(request) }
            group.get("applications/:applicationId") { _, context in try await self.getApplication(context) }
            group.put("applications/:applicationId") { request, context in try await self.updateApplication(request, context) }
            group.delete("applications/:applicationId") { request, context in try await self.deleteApplication(request, context) }

            group.post("functions") { request, _ in try await self.createFunction(request) }
            group.get("functions") { request, _ in try await self.listFunctions(request) }
            group.get("functions/:functionId") { _, context in try await self.getFunction(context) }
            group.put("functions/:functionId") { request, context in try await self.updateFunction(request, context) }
            group.delete("functions/:functionId") { request, context in try await self.deleteFunction(request, context) }
        }
    }

    // MARK: Applications

    private func createApplication(_ request: Request) async throws -> Response {
        let details = try await request.decodeJSON(CreateApplicationDetails.self)
        let (application, etag) = try await self.store.createApplication(details)
        return try Responses.json(application, headers: ["etag": etag])
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
        let (application, etag) = try await self.store.application(id: Self.parameter("applicationId", context))
        return try Responses.json(application, headers: ["etag": etag])
    }

    private func updateApplication(_ request: Request, _ context: Context) async throws -> Response {
        let id = try Self.parameter("applicationId", context)
        let details = try await request.decodeJSON(UpdateApplicationDetails.self)
        let (application, etag) = try await self.store.updateApplication(id: id, details, ifMatch: request.headers[.ifMatch])
        if details.config != nil {
            for functionId in await self.store.functionIds(applicationId: id) {
                await self.functionChanged(functionId)
            }
        }
        return try Responses.json(application, headers: ["etag": etag])
    }

    private func deleteApplication(_ request: Request, _ context: Context) async throws -> Response {
        try await self.store.deleteApplication(id: Self.parameter("applicationId", context), ifMatch: request.headers[.ifMatch])
        return Responses.empty()
    }

    // MARK: Functions

    private func createFunction(_ request: Request) async throws -> Response {
        let details = try await request.decodeJSON(CreateFunctionDetails.self)
        let (function, etag) = try await self.store.createFunction(details)
        return try Responses.json(function, headers: ["etag": etag])
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
        let (function, etag) = try await self.store.functionResource(id: Self.parameter("functionId", context))
        return try Responses.json(function, headers: ["etag": etag])
    }

    private func updateFunction(_ request: Request, _ context: Context) async throws -> Response {
        let id = try Self.parameter("functionId", context)
        let details = try await request.decodeJSON(UpdateFunctionDetails.self)
        let (function, etag) = try await self.store.updateFunction(id: id, details, ifMatch: request.headers[.ifMatch])
        await self.functionChanged(id)
        return try Responses.json(function, headers: ["etag": etag])
    }

    private func deleteFunction(_ request: Request, _ context: Context) async throws -> Response {
        let id = try Self.parameter("functionId", context)
        try await self.store.deleteFunction(id: id, ifMatch: request.headers[.ifMatch])
        await self.functionChanged(id)
        return Responses.empty()
    }

    private static func parameter(_ name: String, _ context: Context) throws(OCIError) -> String {
        guard let raw = context.parameters.get(name) else {
            throw .missingParameter("The path has no \(name).")
        }
        return try RequestParts.pathDecode(raw[...])
    }
}
