import FoundationEssentials
import OFConfig
import OFTransport
import Synchronization

/// The Object Storage operations of a job, over OCI's REST API (`/n/{namespace}/b/{bucket}/o/...`); every
/// request retried as the oci SDK retries idempotent calls.
public final class OCIObjectStorage: Sendable {
    private let endpoint: String
    private let executor: RetryingExecutor
    private let authorizer: any RequestAuthorizer
    private let knownNamespace = Mutex<String?>(nil)

    /// Object Storage at `endpoint` (scheme and host), signing with `authorizer`; `namespace` when known.
    public init(endpoint: String, namespace: String?, executor: RetryingExecutor, authorizer: any RequestAuthorizer) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.executor = executor
        self.authorizer = authorizer
        knownNamespace.withLock { $0 = namespace }
    }

    /// The configuration's Object Storage: `oracle_oss.endpoint`, else the region's.
    convenience init(configuration: Configuration, executor: RetryingExecutor, authorizer: any RequestAuthorizer) {
        self.init(
            endpoint: configuration.storage.endpoint ?? "https://objectstorage.\(configuration.storage.region).oraclecloud.com",
            namespace: configuration.storage.tenancyNamespace, executor: executor, authorizer: authorizer)
    }

    /// The tenancy's namespace: as configured, else asked once (GetNamespace).
    public func namespace() async throws(EngineError) -> String {
        if let known = knownNamespace.withLock({ $0 }) { return known }
        let response = try await send("GET", "/n/", what: "looking up the Object Storage namespace")
        guard let namespace = try? JSONDecoder().decode(String.self, from: Data(response.body)), !namespace.isEmpty else {
            throw EngineError(.service, "GetNamespace answered \(String(decoding: response.body.prefix(100), as: UTF8.self)), not a namespace; set tenancy_namespace in the oracle section")
        }
        knownNamespace.withLock { $0 = namespace }
        return namespace
    }

    public func put(bucket: String, name: String, bytes: [UInt8]) async throws(EngineError) {
        let path = try await objectPath(bucket: bucket, name: name)
        _ = try await send("PUT", path, body: bytes, what: "writing \(name) to bucket \(bucket)")
    }

    public func get(bucket: String, name: String, range: Range<Int>?) async throws(EngineError) -> [UInt8] {
        let path = try await objectPath(bucket: bucket, name: name)
        var headers: HTTPHeaders = [:]
        if let range {
            guard !range.isEmpty else { return [] }
            headers.set("range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")
        }
        return try await send("GET", path, headers: headers, what: "reading \(name) from bucket \(bucket)").body
    }

    func list(bucket: String, prefix: String, start: String?) async throws(EngineError) -> ObjectPage {
        let namespace = try await namespace()
        var query = "prefix=\(PercentEncoding.component(prefix))&limit=1000"
        if let start { query += "&start=\(PercentEncoding.component(start))" }
        let path = "/n/\(PercentEncoding.component(namespace))/b/\(PercentEncoding.component(bucket))/o?\(query)"
        let response = try await send("GET", path, what: "listing \(prefix) in bucket \(bucket)")
        struct Listing: Decodable {
            struct Object: Decodable { var name: String }
            var objects: [Object]
            var nextStartWith: String?
        }
        do {
            let listing = try JSONDecoder().decode(Listing.self, from: Data(response.body))
            return ObjectPage(names: listing.objects.map(\.name), nextStart: listing.nextStartWith)
        } catch {
            throw EngineError(.service, "listing \(prefix) in bucket \(bucket) gave an answer that is not an object listing: \(error)")
        }
    }

    private func objectPath(bucket: String, name: String) async throws(EngineError) -> String {
        let namespace = try await namespace()
        return "/n/\(PercentEncoding.component(namespace))/b/\(PercentEncoding.component(bucket))/o/\(PercentEncoding.component(name))"
    }

    private func send(_ method: String, _ path: String, headers: HTTPHeaders = [:], body: [UInt8]? = nil, what: String) async throws(EngineError) -> HTTPResponse {
        let request = HTTPRequest(method: method, url: endpoint + path, headers: headers, body: body.map { .bytes($0) } ?? .empty)
        return try await OCIRequest.send(request, executor: executor, authorizer: authorizer, what: what)
    }
}

extension OCIObjectStorage: JobObjects {}

/// Sending a request to an OCI service and turning an error answer into an `EngineError`.
enum OCIRequest {
    static func send(_ request: HTTPRequest, executor: RetryingExecutor, authorizer: any RequestAuthorizer, what: String) async throws(EngineError) -> HTTPResponse {
        let response: HTTPResponse
        do {
            response = try await executor.execute(request, mode: .idempotent, authorizer: authorizer) { ServiceAnswer($0).code }
        } catch let error as TransportError {
            throw EngineError(.service, "\(what) failed: \(error.description)")
        } catch {
            throw EngineError(.configuration, "\(what) failed: the request could not be signed: \(error)")
        }
        guard response.isSuccess else {
            let answer = ServiceAnswer(response)
            let advice: String
            switch (response.status, answer.code) {
            case (404, "BucketNotFound"): advice = "; create the bucket, or set storage_bucket in the oracle_oss section to one that exists"
            case (404, _): advice = "; check the name and that this user may read it"
            case (401, _): advice = "; check the API key, its fingerprint and the clock of this machine"
            case (403, _): advice = "; check the policies that let this user use the resource"
            default: advice = ""
            }
            throw EngineError(
                response.status == 404 ? .notFound : .service, "\(what) failed: \(answer.summary)\(advice)",
                httpStatus: response.status, code: answer.code, opcRequestId: answer.requestId)
        }
        return response
    }
}

/// Percent-encoding for path segments and query values: everything but RFC 3986's unreserved characters.
enum PercentEncoding {
    static func component(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return out
    }
}
