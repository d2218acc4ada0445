import Foundation

/// An Object Storage work request (CopyObject's). Copies finish before their answer, so every work request
/// the emulator gives out is already COMPLETED.
struct ObjectWorkRequest: Codable, Sendable, Equatable {
    struct Resource: Codable, Sendable, Equatable {
        var actionType: String
        var entityType: String
        var identifier: String?
        var entityUri: String
        var metadata: [String: String]
    }

    var operationType: String
    var status: String
    var id: String
    var compartmentId: String
    var resources: [Resource]
    var percentComplete: Double
    var timeAccepted: String
    var timeStarted: String
    var timeFinished: String

    static func completedCopy(compartmentId: String, source: ObjectLocation, destination: ObjectLocation, at time: Date) -> ObjectWorkRequest {
        let timestamp = Identifiers.timestamp(time)
        return ObjectWorkRequest(
            operationType: "COPY_OBJECT", status: "COMPLETED", id: Identifiers.ocid("objectstorageworkrequest"), compartmentId: compartmentId,
            resources: [source.resource(action: "READ"), destination.resource(action: "WRITTEN")], percentComplete: 100,
            timeAccepted: timestamp, timeStarted: timestamp, timeFinished: timestamp)
    }
}

/// Where an object lives, for a work request's resources.
struct ObjectLocation: Sendable, Equatable {
    var namespace: String
    var bucket: String
    var object: String

    func resource(action: String) -> ObjectWorkRequest.Resource {
        ObjectWorkRequest.Resource(
            actionType: action, entityType: "object", identifier: nil,
            entityUri: "/n/\(self.namespace)/b/\(self.bucket)/o/\(self.object)",
            metadata: ["NAMESPACE": self.namespace, "BUCKET": self.bucket, "OBJECT": self.object])
    }
}
