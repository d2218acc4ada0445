import Foundation
import Hummingbird
import OFEngine
import OFServices
import OFSigning
import OFTransport
import OFLocking

/// `oraclefn-fdk worker`: one `ProtocolWorker` per handler process, signing its Object Storage requests with
/// the resource principal the platform put in its environment.
final class WorkerEndpoint: Sendable {
    private let worker: ProtocolWorker
    private let firstCall = Locked(true)

    private static let shared = Locked<WorkerEndpoint?>(nil)

    /// Answers one FDK call.
    static func answer(_ body: ByteBuffer, callId: String, environment: [String: String]) async -> Response {
        let endpoint: WorkerEndpoint
        do {
            endpoint = try shared.withLock { shared in
                if let existing = shared { return existing }
                let made = try WorkerEndpoint(environment: environment)
                shared = made
                return made
            }
        } catch {
            NativeHandler.log("worker: \(error)", to: .standardError)
            return Response(status: .badGateway, body: .init(byteBuffer: ByteBuffer(string: "oraclefn worker: \(error)")))
        }
        let cold = endpoint.firstCall.withLock { first in
            defer { first = false }
            return first
        }
        let answer = await endpoint.worker.answer(Array(buffer: body), fnCallId: callId, cold: cold)
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    private init(environment: [String: String]) throws {
        // the function's resource principal (version 2.2), its token read again when the platform renews it
        let principal = try ResourcePrincipalProvider(environment: environment)
        let executor = RetryingExecutor(client: try HTTPClient())
        let signer = CredentialAuthorizer(provider: principal)
        guard let region = principal.region else {
            throw WorkerError("OCI_RESOURCE_PRINCIPAL_REGION is not set; the platform sets it to the function's region")
        }
        worker = ProtocolWorker(
            storage: { location in
                let endpoint = location.endpoint ?? "https://objectstorage.\(region).oraclecloud.com"
                let service = ServiceClient(
                    executor: executor, authorizer: signer, endpoints: Endpoints(functions: endpoint, objectStorage: endpoint, identity: endpoint))
                return BucketStorage(client: ObjectStorageClient(service: service, compartmentId: "", namespace: location.namespace), bucket: location.bucket)
            },
            clock: { Date().timeIntervalSince1970 },
            host: ProcessInfo.processInfo.hostName,
            pid: Int(getpid()))
    }
}

/// One bucket of Object Storage, as the worker reads and writes it.
private struct BucketStorage: WorkerStorage {
    let client: ObjectStorageClient
    let bucket: String

    func get(_ name: String, range: Range<Int>?) async throws -> [UInt8] {
        if let range, range.isEmpty { return [] }
        return try await client.getObject(bucket: bucket, name: name, range: range.map { .bytes(first: $0.lowerBound, last: $0.upperBound - 1) }).body
    }

    func put(_ name: String, _ bytes: [UInt8]) async throws {
        try await client.putObject(bucket: bucket, name: name, body: .bytes(bytes))
    }

    func exists(_ name: String) async throws -> Bool {
        do {
            _ = try await client.headObject(bucket: bucket, name: name)
            return true
        } catch let error as ServiceError where error.httpStatus == 404 {
            return false
        }
    }
}
