// Functions management models (API 20181201), as the service writes them.

/// An application: a group of functions sharing subnets and configuration.
public struct Application: Codable, Sendable, Equatable {
    public var id: String
    public var compartmentId: String?
    public var displayName: String
    /// CREATING, ACTIVE, INACTIVE, UPDATING, DELETING, DELETED or FAILED.
    public var lifecycleState: String
    /// Absent in list answers.
    public var config: [String: String]?
    public var subnetIds: [String]?
    public var shape: String?
    public var freeformTags: [String: String]?
    public var timeCreated: String?
    public var timeUpdated: String?
}

/// A function: an image with memory, timeout and configuration.
public struct Function: Codable, Sendable, Equatable {
    public var id: String
    public var displayName: String
    public var applicationId: String
    public var compartmentId: String?
    public var lifecycleState: String
    public var image: String?
    public var imageDigest: String?
    public var memoryInMBs: Int?
    public var timeoutInSeconds: Int?
    public var detachedModeTimeoutInSeconds: Int?
    /// Absent in list answers.
    public var config: [String: String]?
    /// Where the function is invoked; fixed for its lifetime.
    public var invokeEndpoint: String?
    public var freeformTags: [String: String]?
    public var timeCreated: String?
    public var timeUpdated: String?
}

public struct CreateApplicationDetails: Encodable, Sendable, Equatable {
    public var compartmentId: String
    public var displayName: String
    public var subnetIds: [String]
    public var config: [String: String]?
    public var freeformTags: [String: String]?

    public init(compartmentId: String, displayName: String, subnetIds: [String], config: [String: String]? = nil,
                freeformTags: [String: String]? = nil) {
        self.compartmentId = compartmentId
        self.displayName = displayName
        self.subnetIds = subnetIds
        self.config = config
        self.freeformTags = freeformTags
    }
}

public struct UpdateApplicationDetails: Encodable, Sendable, Equatable {
    public var config: [String: String]?
    public var freeformTags: [String: String]?

    public init(config: [String: String]? = nil, freeformTags: [String: String]? = nil) {
        self.config = config
        self.freeformTags = freeformTags
    }
}

public struct CreateFunctionDetails: Codable, Sendable, Equatable {
    public var applicationId: String
    public var displayName: String
    public var image: String
    /// 128, 256, 512, 1024, 2048 or 3072.
    public var memoryInMBs: Int
    /// 1 to 300; the service's default is 30.
    public var timeoutInSeconds: Int?
    public var config: [String: String]?
    public var freeformTags: [String: String]?

    public init(applicationId: String, displayName: String, image: String, memoryInMBs: Int, timeoutInSeconds: Int? = nil,
                config: [String: String]? = nil, freeformTags: [String: String]? = nil) {
        self.applicationId = applicationId
        self.displayName = displayName
        self.image = image
        self.memoryInMBs = memoryInMBs
        self.timeoutInSeconds = timeoutInSeconds
        self.config = config
        self.freeformTags = freeformTags
    }
}

public struct UpdateFunctionDetails: Encodable, Sendable, Equatable {
    public var image: String?
    public var memoryInMBs: Int?
    public var timeoutInSeconds: Int?
    public var config: [String: String]?
    public var freeformTags: [String: String]?

    public init(image: String? = nil, memoryInMBs: Int? = nil, timeoutInSeconds: Int? = nil, config: [String: String]? = nil,
                freeformTags: [String: String]? = nil) {
        self.image = image
        self.memoryInMBs = memoryInMBs
        self.timeoutInSeconds = timeoutInSeconds
        self.config = config
        self.freeformTags = freeformTags
    }
}

extension UpdateFunctionDetails {
    /// Whether applying this update would change `function`: a field left nil changes nothing.
    public func changes(_ function: Function) -> Bool {
        if let image, image != function.image { return true }
        if let memoryInMBs, memoryInMBs != function.memoryInMBs { return true }
        if let timeoutInSeconds, timeoutInSeconds != function.timeoutInSeconds { return true }
        if let config, config != function.config ?? [:] { return true }
        if let freeformTags, freeformTags != function.freeformTags ?? [:] { return true }
        return false
    }
}
