import Foundation
import Hummingbird

/// A bucket's lifecycle policy (`/l`) and replication policies (none: the emulator is one region).
extension ObjectStorageRoutes {
    func registerBucketPolicies(on router: Router<Context>) {
        router.get("/n/:namespace/b/:bucket/l") { request, _ in
            let target = try Target(request, leading: 4)
            let (policy, etag) = try await self.store.lifecyclePolicy(namespace: target.namespace, bucket: target.bucket)
            return try Responses.json(policy, headers: ["etag": etag])
        }
        router.put("/n/:namespace/b/:bucket/l") { request, _ in
            let target = try Target(request, leading: 4)
            let details = try await request.decodeJSON(PutObjectLifecyclePolicyDetails.self)
            let (policy, etag) = try await self.store.putLifecyclePolicy(
                namespace: target.namespace, bucket: target.bucket, details, ifMatch: request.headers[.ifMatch], ifNoneMatch: request.headers[.ifNoneMatch])
            return try Responses.json(policy, headers: ["etag": etag])
        }
        router.delete("/n/:namespace/b/:bucket/l") { request, _ in
            let target = try Target(request, leading: 4)
            try await self.store.deleteLifecyclePolicy(namespace: target.namespace, bucket: target.bucket, ifMatch: request.headers[.ifMatch])
            return Responses.empty()
        }
        router.get("/n/:namespace/b/:bucket/replicationPolicies") { request, _ in
            let target = try Target(request, leading: 4)
            _ = try await self.store.bucket(namespace: target.namespace, name: target.bucket)
            return try Responses.json([String]())
        }
    }
}
