import Foundation
import Hummingbird

/// Object actions (rename, copy, storage tier), object versions, and the work requests CopyObject answers with.
extension ObjectStorageRoutes {
    func registerObjectActions(on router: Router<Context>) {
        router.post("/n/:namespace/b/:bucket/actions/renameObject") { request, _ in try await self.renameObject(request) }
        router.post("/n/:namespace/b/:bucket/actions/copyObject") { request, _ in try await self.copyObject(request) }
        router.post("/n/:namespace/b/:bucket/actions/updateObjectStorageTier") { request, _ in try await self.updateStorageTier(request) }
        router.get("/n/:namespace/b/:bucket/objectversions") { request, _ in try await self.listObjectVersions(request) }

        router.get("/workRequests") { request, _ in try await self.listWorkRequests(request) }
        router.get("/workRequests/:workRequestId") { _, context in
            try Responses.json(try await self.store.workRequest(id: Self.pathParameter("workRequestId", context)))
        }
        // copies cannot fail after their answer, so their work requests have no errors and no log entries
        router.get("/workRequests/:workRequestId/errors") { _, context in
            _ = try await self.store.workRequest(id: Self.pathParameter("workRequestId", context))
            return try Responses.json([String]())
        }
        router.get("/workRequests/:workRequestId/logs") { _, context in
            _ = try await self.store.workRequest(id: Self.pathParameter("workRequestId", context))
            return try Responses.json([String]())
        }
    }

    private func renameObject(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 4)
        let details = try await request.decodeJSON(RenameObjectDetails.self)
        let info = try await self.store.renameObject(namespace: target.namespace, bucket: target.bucket, details)
        return Responses.empty(status: .ok, headers: ["etag": info.etag, "last-modified": Self.httpDate(info.timeModified)])
    }

    /// 202 with the work request's id, as OCI answers; the copy is already made.
    private func copyObject(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 4)
        let details = try await request.decodeJSON(CopyObjectDetails.self)
        let workRequest = try await self.store.copyObject(namespace: target.namespace, bucket: target.bucket, details)
        return Responses.empty(status: .accepted, headers: ["opc-work-request-id": workRequest.id])
    }

    private func updateStorageTier(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 4)
        let details = try await request.decodeJSON(UpdateObjectStorageTierDetails.self)
        try await self.store.updateStorageTier(namespace: target.namespace, bucket: target.bucket, details)
        return Responses.empty(status: .ok)
    }

    /// Paged with `page` (the next name, as `opc-next-page` gave it) instead of ListObjects' `start`.
    private func listObjectVersions(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 4)
        let parameters = try request.queryParameters()
        var query = try ListObjectsQuery(query: parameters)
        if let page = parameters["page"] { query.start = page }
        let (collection, nextPage) = try await self.store.listObjectVersions(namespace: target.namespace, bucket: target.bucket, query: query)
        return try Responses.json(collection, headers: nextPage.map { ["opc-next-page": $0] } ?? [:])
    }

    private func listWorkRequests(_ request: Request) async throws -> Response {
        let query = try request.queryParameters()
        guard let compartmentId = query["compartmentId"], !compartmentId.isEmpty else {
            throw OCIError.missingParameter("compartmentId is mandatory: give the OCID of the compartment whose work requests to list.")
        }
        let paging = try Paging(limit: query["limit"], page: query["page"], defaultLimit: 100, maxLimit: 1000)
        let page = paging.slice(await self.store.listWorkRequests(compartmentId: compartmentId))
        return try Responses.json(page.items, headers: page.nextPage.map { ["opc-next-page": $0] } ?? [:])
    }

    static func pathParameter(_ name: String, _ context: Context) throws(OCIError) -> String {
        guard let raw = context.parameters.get(name) else { throw .missingParameter("The path has no \(name).") }
        return try RequestParts.pathDecode(raw[...])
    }
}
