import Foundation

/// A LogGroup as Logging (API 20200531) returns it.
struct LogGroupResource: Codable, Sendable, Equatable {
    var id: String
    var compartmentId: String
    var displayName: String
    var description: String?
    var lifecycleState: String
    var definedTags: [String: [String: JSONValue]]
    var freeformTags: [String: String]
    var timeCreated: String
    var timeLastModified: String
}

/// Where a service log's records come from: `{"sourceType": "OCISERVICE", "service": "functions",
/// "resource": <application OCID>, "category": "invoke"}` for an application's invoke log.
struct LogSource: Codable, Sendable, Equatable {
    var sourceType: String
    var service: String
    var resource: String
    var category: String
    var parameters: [String: String]?
}

struct LogConfiguration: Codable, Sendable, Equatable {
    var compartmentId: String?
    var source: LogSource
    var archiving: JSONValue?
}

/// A Log as Logging returns it.
struct LogResource: Codable, Sendable, Equatable {
    var id: String
    var tenancyId: String
    var logGroupId: String
    var compartmentId: String
    var displayName: String
    var logType: String
    var isEnabled: Bool
    var configuration: LogConfiguration?
    var lifecycleState: String
    var retentionDuration: Int
    var definedTags: [String: [String: JSONValue]]
    var freeformTags: [String: String]
    var timeCreated: String
    var timeLastModified: String
}

struct CreateLogGroupDetails: Decodable {
    var compartmentId: String?
    var displayName: String?
    var description: String?
    var definedTags: [String: [String: JSONValue]]?
    var freeformTags: [String: String]?
}

struct CreateLogDetails: Decodable {
    var displayName: String?
    var logType: String?
    var isEnabled: Bool?
    var configuration: LogConfiguration?
    var retentionDuration: Int?
    var definedTags: [String: [String: JSONValue]]?
    var freeformTags: [String: String]?
}
