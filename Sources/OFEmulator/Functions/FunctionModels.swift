import Foundation

/// Lifecycle states of applications and functions. The emulator creates resources straight into ACTIVE
/// (OCI passes through CREATING first) and removes them at once on delete.
public enum LifecycleState: String, Codable, Sendable, CaseIterable {
    case creating = "CREATING"
    case active = "ACTIVE"
    case inactive = "INACTIVE"
    case updating = "UPDATING"
    case deleting = "DELETING"
    case deleted = "DELETED"
    case failed = "FAILED"
}

/// An Application as the Functions API returns it (camelCase JSON).
/// What listing filters and sorts applications and functions by.
protocol ListedResource: Sendable {
    var id: String { get }
    var displayName: String { get }
    var lifecycleState: LifecycleState { get }
    var timeCreated: String { get }
}

struct ApplicationResource: ListedResource, Codable, Equatable {
    var id: String
    var compartmentId: String
    var displayName: String
    var lifecycleState: LifecycleState
    var config: [String: String]
    var subnetIds: [String]
    var shape: String
    var networkSecurityGroupIds: [String]
    var syslogUrl: String?
    var traceConfig: JSONValue?
    var freeformTags: [String: String]
    var definedTags: [String: [String: JSONValue]]
    var timeCreated: String
    var timeUpdated: String
}

/// Where a function's code comes from in API 20260325 (20181201 has `image` and `imageDigest` at the top).
struct FunctionSourceDetails: Codable, Sendable, Equatable {
    var sourceType: String
    var image: String?
    var imageDigest: String?
}

/// A Function as the Functions API returns it. It carries both the 20181201 fields (`image`,
/// `imageDigest`) and the 20260325 `sourceDetails`; each SDK reads the ones it knows.
struct FunctionResource: ListedResource, Codable, Equatable {
    var id: String
    var displayName: String
    var lifecycleState: LifecycleState
    var applicationId: String
    var compartmentId: String
    var image: String
    var imageDigest: String?
    var sourceDetails: FunctionSourceDetails
    var shape: String
    var memoryInMBs: Int
    var config: [String: String]
    var timeoutInSeconds: Int
    var detachedModeTimeoutInSeconds: Int?
    var provisionedConcurrencyConfig: JSONValue
    var traceConfig: JSONValue?
    var freeformTags: [String: String]
    var definedTags: [String: [String: JSONValue]]
    var invokeEndpoint: String
    var timeCreated: String
    var timeUpdated: String
}

/// CreateApplicationDetails; mandatory fields are optional here so a missing one gets a 400 naming it.
struct CreateApplicationDetails: Codable, Sendable {
    var compartmentId: String?
    var displayName: String?
    var subnetIds: [String]?
    var config: [String: String]?
    var shape: String?
    var networkSecurityGroupIds: [String]?
    var syslogUrl: String?
    var traceConfig: JSONValue?
    var freeformTags: [String: String]?
    var definedTags: [String: [String: JSONValue]]?
}

struct UpdateApplicationDetails: Codable, Sendable {
    var config: [String: String]?
    var networkSecurityGroupIds: [String]?
    var syslogUrl: String?
    var traceConfig: JSONValue?
    var freeformTags: [String: String]?
    var definedTags: [String: [String: JSONValue]]?
}

struct CreateFunctionDetails: Codable, Sendable {
    var displayName: String?
    var applicationId: String?
    var memoryInMBs: Int?
    var image: String?
    var imageDigest: String?
    var sourceDetails: FunctionSourceDetails?
    var config: [String: String]?
    var timeoutInSeconds: Int?
    var detachedModeTimeoutInSeconds: Int?
    var provisionedConcurrencyConfig: JSONValue?
    var traceConfig: JSONValue?
    var freeformTags: [String: String]?
    var definedTags: [String: [String: JSONValue]]?
}

struct UpdateFunctionDetails: Codable, Sendable {
    var image: String?
    var imageDigest: String?
    var sourceDetails: FunctionSourceDetails?
    var memoryInMBs: Int?
    var config: [String: String]?
    var timeoutInSeconds: Int?
    var detachedModeTimeoutInSeconds: Int?
    var provisionedConcurrencyConfig: JSONValue?
    var traceConfig: JSONValue?
    var freeformTags: [String: String]?
    var definedTags: [String: [String: JSONValue]]?
}

/// What the invoke path needs to run a function: its resource fields with the application's config
/// merged under the function's own (the function wins, as OCI delivers it to the container).
public struct FunctionRecord: Sendable, Equatable {
    public let id: String
    public let applicationId: String
    public let applicationName: String
    public let compartmentId: String
    public let displayName: String
    public let image: String
    public let memoryInMBs: Int
    public let timeoutInSeconds: Int
    /// Deadline for detached calls; OCI defaults it to `timeoutInSeconds`.
    public let detachedModeTimeoutInSeconds: Int
    public let config: [String: String]
    public let lifecycleState: LifecycleState

    public init(
        id: String, applicationId: String, applicationName: String, compartmentId: String, displayName: String,
        image: String, memoryInMBs: Int, timeoutInSeconds: Int, detachedModeTimeoutInSeconds: Int,
        config: [String: String], lifecycleState: LifecycleState
    ) {
        self.id = id
        self.applicationId = applicationId
        self.applicationName = applicationName
        self.compartmentId = compartmentId
        self.displayName = displayName
        self.image = image
        self.memoryInMBs = memoryInMBs
        self.timeoutInSeconds = timeoutInSeconds
        self.detachedModeTimeoutInSeconds = detachedModeTimeoutInSeconds
        self.config = config
        self.lifecycleState = lifecycleState
    }
}
