import Foundation
import OFLocking

/// A resource a work request touched, as OCI's WorkRequestResource gives it.
struct WorkRequestResource: Codable, Sendable, Equatable {
    /// `function`, `application`, `loggroup`, `log` ...
    var entityType: String
    /// CREATED, UPDATED or DELETED.
    var actionType: String
    var identifier: String
    /// The path to GET the resource at (empty once it is deleted).
    var entityUri: String
}

/// A work request as Functions (20181201, 20260325) and Logging (20200531) answer GetWorkRequest. The emulator
/// changes resources at once, so every work request it records has already SUCCEEDED: SDK waiters and
/// `--wait-for-state` return on their first look.
struct WorkRequest: Codable, Sendable, Equatable {
    var id: String
    var operationType: String
    var status: String
    var compartmentId: String
    var resources: [WorkRequestResource]
    var percentComplete: Double
    var timeAccepted: String
    var timeStarted: String
    var timeFinished: String
    /// Functions' model has it; Logging's does not, and its SDKs skip it.
    var timeUpdated: String
}

/// The work requests of one service, newest last. Each service has its own (their ids and operations differ).
final class WorkRequestLog: Sendable {
    /// Kept per service; the oldest go first.
    static let capacity = 10_000

    private let ocidType: String
    private let clock: @Sendable () -> Date
    private let requests = Locked<[WorkRequest]>([])

    /// `ocidType` names the OCIDs it makes: `ocid1.<ocidType>.oc1...`.
    init(ocidType: String, clock: @escaping @Sendable () -> Date) {
        self.ocidType = ocidType
        self.clock = clock
    }

    /// Records a finished operation on `resource` and returns its id, for the `opc-work-request-id` header.
    func record(_ operationType: String, compartmentId: String, resource: WorkRequestResource) -> String {
        let now = Identifiers.timestamp(self.clock())
        let request = WorkRequest(
            id: Identifiers.ocid(self.ocidType), operationType: operationType, status: "SUCCEEDED", compartmentId: compartmentId,
            resources: [resource], percentComplete: 100, timeAccepted: now, timeStarted: now, timeFinished: now, timeUpdated: now)
        self.requests.withLock { requests in
            requests.append(request)
            if requests.count > Self.capacity { requests.removeFirst(requests.count - Self.capacity) }
        }
        return request.id
    }

    /// - Throws: 404 NotAuthorizedOrNotFound for an id it did not issue.
    func request(id: String) throws(OCIError) -> WorkRequest {
        guard let found = self.requests.withLock({ $0.last { $0.id == id } }) else {
            throw .notAuthorizedOrNotFound("work request \(id)")
        }
        return found
    }

    /// ListWorkRequests: those of a compartment, filtered by the query's `id`/`workRequestId`, `status` and
    /// `resourceId`, by `timeAccepted` newest first unless `sortOrder=ASC`.
    func list(query: [String: String]) throws(OCIError) -> [WorkRequest] {
        guard let compartmentId = query["compartmentId"] else {
            throw .missingParameter("compartmentId is mandatory: give the OCID of the compartment whose work requests to list.")
        }
        let ascending: Bool
        switch query["sortOrder"] {
        case nil, "DESC": ascending = false
        case "ASC": ascending = true
        case let other?: throw .invalidParameter("sortOrder '\(other)' is not one of ASC, DESC.")
        }
        if let sortBy = query["sortBy"], sortBy != "timeAccepted" {
            throw .invalidParameter("sortBy '\(sortBy)' is not served: the emulator sorts work requests by timeAccepted only.")
        }
        let id = query["workRequestId"] ?? query["id"]
        let matching = self.requests.withLock { requests in
            requests.filter { request in
                request.compartmentId == compartmentId && (id == nil || request.id == id)
                    && (query["status"] == nil || request.status == query["status"])
                    && (query["resourceId"].map { resourceId in request.resources.contains { $0.identifier == resourceId } } ?? true)
            }
        }
        return ascending ? matching : Array(matching.reversed())
    }
}
