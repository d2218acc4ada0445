import Foundation
import Hummingbird
import OFEngine
import OFServices
import OFSigning
import OFTransport
import Synchronization

/// `oraclefn-fdk worker`: one `ProtocolWorker` per handler process, signing its Object Storage requests with
/// the resource principal the platform put in its environment.
final class WorkerEndpoint: Sendable {
    private let worker: ProtocolWorker
    private let firstCall = Mutex(true)

    private static let shared = Mutex<WorkerEndpoint?>(nil)

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
        let principal = try ResourcePrincipalCredentials(environment: environment)
        let executor = RetryingExecutor(client: try HTTPClient())
        let signer = principal.signer
        let region = principal.region
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
}

/// The resource principal (version 2.2) Oracle Functions puts in a function's environment: a session token and
/// a private key, each given as the value itself or as the absolute path of a file holding it.
struct ResourcePrincipalCredentials {
    let signer: RequestSigner
    let region: String

    init(environment: [String: String]) throws {
        let version = environment["OCI_RESOURCE_PRINCIPAL_VERSION"] ?? ""
        guard version == "2.2" else {
            throw WorkerError("OCI_RESOURCE_PRINCIPAL_VERSION is '\(version)'; the worker signs with a version 2.2 resource principal, as Oracle Functions and the emulator give one")
        }
        let token = try Self.value(of: "OCI_RESOURCE_PRINCIPAL_RPST", in: environment)
        let pem = try Self.value(of: "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", in: environment)
        let passPhrase = try environment["OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE"].map { _ in
            try Self.value(of: "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE", in: environment)
        }
        guard let region = environment["OCI_RESOURCE_PRINCIPAL_REGION"], !region.isEmpty else {
            throw WorkerError("OCI_RESOURCE_PRINCIPAL_REGION is not set; the platform sets it to the function's region")
        }
        let key = try PrivateKey(pem: Array(pem.utf8), passPhrase: passPhrase)
        signer = RequestSigner(keyId: "ST$" + token.trimmingCharacters(in: .whitespacesAndNewlines), key: key)
        self.region = region
    }

    private static func value(of name: String, in environment: [String: String]) throws -> String {
        guard let value = environment[name], !value.isEmpty else {
            throw WorkerError("\(name) is not set; the platform sets it with the function's resource principal")
        }
        guard value.hasPrefix("/") else { return value }
        do {
            return try String(contentsOfFile: value, encoding: .utf8)
        } catch {
            throw WorkerError("\(name) names the file \(value), which cannot be read: \(error.localizedDescription)")
        }
    }
}
