import Foundation
import Hummingbird

/// Pre-authenticated requests: managed under a bucket's `/p`, used unsigned through `/p/{token}/n/{ns}/b/{bucket}/o/{object}`.
extension ObjectStorageRoutes {
    func registerPreauthenticatedRequests(on router: Router<Context>) {
        router.post("/n/:namespace/b/:bucket/p") { request, _ in try await self.createPreauthenticatedRequest(request) }
        router.get("/n/:namespace/b/:bucket/p") { request, _ in try await self.listPreauthenticatedRequests(request) }
        router.get("/n/:namespace/b/:bucket/p/:parId") { request, context in
            let target = try Target(request, leading: 4)
            let summary = try await self.store.preauthenticatedRequest(
                namespace: target.namespace, bucket: target.bucket, id: Self.pathParameter("parId", context))
            return try Responses.json(summary)
        }
        router.delete("/n/:namespace/b/:bucket/p/:parId") { request, context in
            let target = try Target(request, leading: 4)
            try await self.store.deletePreauthenticatedRequest(namespace: target.namespace, bucket: target.bucket, id: Self.pathParameter("parId", context))
            return Responses.empty()
        }

        router.get("/p/**") { request, _ in try await self.readThroughPreauthenticatedRequest(request, withBody: true) }
        router.head("/p/**") { request, _ in try await self.readThroughPreauthenticatedRequest(request, withBody: false) }
        router.put("/p/**") { request, _ in
            let path = try PreauthenticatedPath(path: request.uri.path)
            _ = try await self.store.authorize(path, write: true)
            return try await self.putObject(request, namespace: path.namespace, bucket: path.bucket, object: path.object)
        }
    }

    private func createPreauthenticatedRequest(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 4)
        let details = try await request.decodeJSON(CreatePreauthenticatedRequestDetails.self)
        let baseURL = request.head.authority.map { "http://\($0)" } ?? ""
        let created = try await self.store.createPreauthenticatedRequest(namespace: target.namespace, bucket: target.bucket, details, baseURL: baseURL)
        return try Responses.json(created)
    }

    private func listPreauthenticatedRequests(_ request: Request) async throws -> Response {
        let target = try Target(request, leading: 4)
        let query = try request.queryParameters()
        let paging = try Paging(limit: query["limit"], page: query["page"], defaultLimit: 1000, maxLimit: 1000)
        let all = try await self.store.listPreauthenticatedRequests(namespace: target.namespace, bucket: target.bucket, objectNamePrefix: query["objectNamePrefix"])
        let page = paging.slice(all)
        return try Responses.json(page.items, headers: page.nextPage.map { ["opc-next-page": $0] } ?? [:])
    }

    /// GetObject and HeadObject through a PAR URL, or ListObjects for a bucket URL whose request allows listing
    /// (then only names under the request's object prefix are listed).
    private func readThroughPreauthenticatedRequest(_ request: Request, withBody: Bool) async throws -> Response {
        let path = try PreauthenticatedPath(path: request.uri.path)
        let grant = try await self.store.authorize(path, write: false)
        guard path.object.isEmpty else {
            return try await self.getObject(request, namespace: path.namespace, bucket: path.bucket, object: path.object, withBody: withBody)
        }
        var query = try ListObjectsQuery(query: request.queryParameters())
        let scope = grant.objectName ?? ""
        if scope.utf8.starts(with: query.prefix.utf8) {
            query.prefix = scope
        } else if !query.prefix.utf8.starts(with: scope.utf8) {
            return try Responses.json(ListObjectsResult(objects: [], prefixes: query.delimiter == nil ? nil : [], nextStartWith: nil))
        }
        return try Responses.json(try await self.store.listObjects(namespace: path.namespace, bucket: path.bucket, query: query))
    }
}
