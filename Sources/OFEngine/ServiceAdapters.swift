// The engine's view of Object Storage and Functions management, over the OFServices clients.
import OFServices
import OFTransport

extension EngineError {
    /// An error from an OFServices client or the transport, saying what the engine was doing.
    init(_ error: any Error, while doing: String) {
        switch error {
        case let error as EngineError:
            self = error
        case let error as ServiceError:
            self.init(
                error.httpStatus == 404 ? .notFound : .service, "\(doing): \(error.description)",
                httpStatus: error.httpStatus, code: error.code.isEmpty ? nil : error.code, opcRequestId: error.opcRequestId)
        case let error as ClientError:
            self.init(.service, "\(doing): \(error.description)")
        case let error as TransportError:
            self.init(error.kind == .cancelled ? .cancelled : .service, "\(doing): \(error.description)")
        default:
            self.init(.configuration, "\(doing): \(error)")
        }
    }
}

/// A job's objects in Object Storage.
struct StorageAdapter: JobObjects {
    let client: ObjectStorageClient

    func namespace() async throws(EngineError) -> String {
        do {
            return try await client.namespace()
        } catch {
            throw EngineError(error, while: "looking up the Object Storage namespace (set tenancy_namespace in the oracle section to skip it)")
        }
    }

    func put(bucket: String, name: String, bytes: [UInt8]) async throws(EngineError) {
        do {
            try await client.putObject(bucket: bucket, name: name, body: .bytes(bytes))
        } catch {
            throw EngineError(error, while: "writing \(name) to bucket \(bucket)")
        }
    }

    func get(bucket: String, name: String, range: Range<Int>?) async throws(EngineError) -> [UInt8] {
        if let range, range.isEmpty { return [] }
        do {
            let byteRange = range.map { ByteRange.bytes(first: $0.lowerBound, last: $0.upperBound - 1) }
            return try await client.getObject(bucket: bucket, name: name, range: byteRange).body
        } catch {
            throw EngineError(error, while: "reading \(name) from bucket \(bucket)")
        }
    }

    func list(bucket: String, prefix: String, start: String?) async throws(EngineError) -> [String] {
        do {
            return try await client.listObjects(bucket: bucket, prefix: prefix, start: start).objects.map(\.name)
        } catch {
            throw EngineError(error, while: "listing \(prefix) in bucket \(bucket)")
        }
    }
}

/// Finds functions through the Functions management API.
struct FunctionsAdapter: FunctionDirectory {
    let client: FunctionsManagementClient

    /// A function OCID is read (GetFunction); any other name is looked up among the functions of the
    /// configured compartment's applications.
    func target(for function: String) async throws(EngineError) -> FunctionTarget {
        let found: Function
        do {
            if function.hasPrefix("ocid1.fnfunc.") {
                found = try await client.getFunction(id: function)
            } else {
                found = try await named(function)
            }
        } catch {
            throw EngineError(error, while: "finding function \(function)")
        }
        guard found.lifecycleState == "ACTIVE" else {
            throw EngineError(.service, "function \(found.displayName) (\(found.id)) is \(found.lifecycleState), not ACTIVE; wait until it is ACTIVE, or deploy it again")
        }
        guard let invokeEndpoint = found.invokeEndpoint, !invokeEndpoint.isEmpty else {
            throw EngineError(.service, "function \(found.displayName) (\(found.id)) has no invoke endpoint; deploy it again")
        }
        return FunctionTarget(
            id: found.id, invokeEndpoint: invokeEndpoint, timeoutSeconds: found.timeoutInSeconds,
            detachedTimeoutSeconds: found.detachedModeTimeoutInSeconds)
    }

    private func named(_ name: String) async throws -> Function {
        let applications = try await client.listApplications()
        for application in applications {
            if let function = try await client.listFunctions(applicationId: application.id, displayName: name).first { return function }
        }
        throw EngineError(.notFound, "no function named \(name) in compartment \(client.compartmentId) (\(applications.count) applications searched); deploy it, or pass the function's OCID")
    }
}
