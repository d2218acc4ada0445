import Foundation

/// Filters and order shared by ListApplications and ListFunctions.
struct ListCriteria: Sendable, Equatable {
    enum SortBy: String, Sendable { case timeCreated, id, displayName }
    enum SortOrder: String, Sendable { case ascending = "ASC", descending = "DESC" }

    var lifecycleState: LifecycleState?
    var displayName: String?
    var id: String?
    var sortBy: SortBy = .timeCreated
    /// nil: OCI's default, newest first for timeCreated and A to Z otherwise.
    var sortOrder: SortOrder?

    init(query: [String: String]) throws(OCIError) {
        if let state = query["lifecycleState"] {
            guard let value = LifecycleState(rawValue: state) else {
                throw .invalidParameter("lifecycleState '\(state)' is not one of \(LifecycleState.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            self.lifecycleState = value
        }
        if let sortBy = query["sortBy"] {
            guard let value = SortBy(rawValue: sortBy) else {
                throw .invalidParameter("sortBy '\(sortBy)' is not one of timeCreated, id, displayName.")
            }
            self.sortBy = value
        }
        if let sortOrder = query["sortOrder"] {
            guard let value = SortOrder(rawValue: sortOrder) else {
                throw .invalidParameter("sortOrder '\(sortOrder)' is not one of ASC, DESC.")
            }
            self.sortOrder = value
        }
        self.displayName = query["displayName"]
        self.id = query["id"]
    }

    func matches(id: String, displayName: String, lifecycleState: LifecycleState) -> Bool {
        (self.id == nil || self.id == id) && (self.displayName == nil || self.displayName == displayName)
            && (self.lifecycleState == nil || self.lifecycleState == lifecycleState)
    }

    /// Orders entries; `sequence` (creation order) breaks ties between equal timestamps or names.
    func sorted<Entry>(_ entries: [Entry], key: (Entry) -> (timeCreated: String, id: String, displayName: String, sequence: Int)) -> [Entry] {
        let ascending = (self.sortOrder ?? (self.sortBy == .timeCreated ? .descending : .ascending)) == .ascending
        return entries.sorted { left, right in
            let (l, r) = (key(left), key(right))
            let (lk, rk): (String, String) =
                switch self.sortBy {
                case .timeCreated: (l.timeCreated, r.timeCreated)
                case .id: (l.id, r.id)
                case .displayName: (l.displayName, r.displayName)
                }
            if lk != rk { return ascending ? lk < rk : lk > rk }
            return ascending ? l.sequence < r.sequence : l.sequence > r.sequence
        }
    }
}

/// The applications and functions the management API keeps, in memory. Every mutation validates first
/// and changes nothing when it throws.
public actor FunctionStore {
    private struct Stored<Resource: Sendable>: Sendable {
        var resource: Resource
        var etag: String
        let sequence: Int
    }

    static let memorySizes = [128, 256, 512, 1024, 2048, 3072]
    static let timeoutRange = 1...300
    static let detachedTimeoutRange = 5...3600
    static let defaultTimeout = 30
    static let maxConfigBytes = 4096

    private let clock: @Sendable () -> Date
    private var invokeEndpoint: String
    private var applications: [String: Stored<ApplicationResource>] = [:]
    private var functions: [String: Stored<FunctionResource>] = [:]
    private var nextSequence = 0

    public init(clock: @escaping @Sendable () -> Date = Date.init, invokeEndpoint: String = "") {
        self.clock = clock
        self.invokeEndpoint = invokeEndpoint
    }

    /// The emulator's own URL, known once it has bound its port; new and existing functions answer with it.
    func setInvokeEndpoint(_ url: String) {
        self.invokeEndpoint = url
        for id in self.functions.keys {
            self.functions[id]?.resource.invokeEndpoint = url
        }
    }

    // MARK: Invoke-side lookup

    /// The function with its application's config merged in, or nil when there is none with this id.
    public func function(id: String) -> FunctionRecord? {
        guard let function = self.functions[id]?.resource,
            let application = self.applications[function.applicationId]?.resource
        else { return nil }
        return FunctionRecord(
            id: function.id, applicationId: application.id, applicationName: application.displayName,
            compartmentId: function.compartmentId, displayName: function.displayName, image: function.image,
            memoryInMBs: function.memoryInMBs, timeoutInSeconds: function.timeoutInSeconds,
            detachedModeTimeoutInSeconds: function.detachedModeTimeoutInSeconds ?? function.timeoutInSeconds,
            config: application.config.merging(function.config) { _, own in own },
            lifecycleState: function.lifecycleState
        )
    }

    // MARK: Applications

    func createApplication(_ details: CreateApplicationDetails) throws(OCIError) -> (ApplicationResource, etag: String) {
        let compartmentId = try Self.required(details.compartmentId, "compartmentId")
        let displayName = try Self.required(details.displayName, "displayName")
        guard let subnetIds = details.subnetIds, !subnetIds.isEmpty else {
            throw .missingParameter("subnetIds is mandatory: give the OCID of at least one subnet for the application.")
        }
        let config = try Self.validated(config: details.config ?? [:])
        if self.applications.values.contains(where: { $0.resource.compartmentId == compartmentId && $0.resource.displayName == displayName }) {
            throw .conflict("An application named '\(displayName)' already exists in compartment \(compartmentId); choose another displayName or use the existing application.")
        }
        let now = Identifiers.timestamp(self.clock())
        let application = ApplicationResource(
            id: Identifiers.ocid("fnapp"), compartmentId: compartmentId, displayName: displayName, lifecycleState: .active,
            config: config, subnetIds: subnetIds, shape: details.shape ?? "GENERIC_X86",
            networkSecurityGroupIds: details.networkSecurityGroupIds ?? [], syslogUrl: details.syslogUrl,
            traceConfig: details.traceConfig, freeformTags: details.freeformTags ?? [:],
            definedTags: details.definedTags ?? [:], timeCreated: now, timeUpdated: now
        )
        let stored = Stored(resource: application, etag: Identifiers.etag(), sequence: self.takeSequence())
        self.applications[application.id] = stored
        return (application, stored.etag)
    }

    func application(id: String) throws(OCIError) -> (ApplicationResource, etag: String) {
        guard let stored = self.applications[id] else { throw Self.applicationNotFound(id) }
        return (stored.resource, stored.etag)
    }

    func listApplications(compartmentId: String, criteria: ListCriteria) -> [ApplicationResource] {
        Self.listed(self.applications, criteria) { $0.compartmentId == compartmentId }
    }

    /// The resources `isIn` the parent that meet the criteria, in the criteria's order.
    private static func listed<Resource: ListedResource>(
        _ stored: [String: Stored<Resource>], _ criteria: ListCriteria, isIn: (Resource) -> Bool
    ) -> [Resource] {
        let matching = stored.values.filter {
            isIn($0.resource) && criteria.matches(id: $0.resource.id, displayName: $0.resource.displayName, lifecycleState: $0.resource.lifecycleState)
        }
        return criteria.sorted(matching) { ($0.resource.timeCreated, $0.resource.id, $0.resource.displayName, $0.sequence) }.map(\.resource)
    }

    func updateApplication(id: String, _ details: UpdateApplicationDetails, ifMatch: String?) throws(OCIError) -> (ApplicationResource, etag: String) {
        guard var stored = self.applications[id] else { throw Self.applicationNotFound(id) }
        try Self.check(ifMatch: ifMatch, etag: stored.etag)
        if let config = details.config { stored.resource.config = try Self.validated(config: config) }
        if let value = details.networkSecurityGroupIds { stored.resource.networkSecurityGroupIds = value }
        if let value = details.syslogUrl { stored.resource.syslogUrl = value }
        if let value = details.traceConfig { stored.resource.traceConfig = value }
        if let value = details.freeformTags { stored.resource.freeformTags = value }
        if let value = details.definedTags { stored.resource.definedTags = value }
        stored.resource.timeUpdated = Identifiers.timestamp(self.clock())
        stored.etag = Identifiers.etag()
        self.applications[id] = stored
        return (stored.resource, stored.etag)
    }

    /// Deletes an application that has no functions left (OCI refuses otherwise).
    func deleteApplication(id: String, ifMatch: String?) throws(OCIError) {
        guard let stored = self.applications[id] else { throw Self.applicationNotFound(id) }
        try Self.check(ifMatch: ifMatch, etag: stored.etag)
        let remaining = self.functions.values.filter { $0.resource.applicationId == id }.count
        guard remaining == 0 else {
            throw .conflict("Application \(id) still has \(remaining) function(s); delete them first, then the application.")
        }
        self.applications[id] = nil
    }

    /// Ids of the functions of an application (whose merged config changes with the application's).
    func functionIds(applicationId: String) -> [String] {
        self.functions.values.filter { $0.resource.applicationId == applicationId }.map(\.resource.id)
    }

    // MARK: Functions

    func createFunction(_ details: CreateFunctionDetails) throws(OCIError) -> (FunctionResource, etag: String) {
        let displayName = try Self.required(details.displayName, "displayName")
        let applicationId = try Self.required(details.applicationId, "applicationId")
        guard let memory = details.memoryInMBs else {
            throw .missingParameter("memoryInMBs is mandatory: one of \(Self.memorySizes.map(String.init).joined(separator: ", ")).")
        }
        guard let image = details.sourceDetails?.image ?? details.image, !image.isEmpty else {
            throw .missingParameter("image is mandatory: give the function's container image, e.g. \"oraclefn/echo:1\" (20181201: image; 20260325: sourceDetails.image).")
        }
        guard let application = self.applications[applicationId]?.resource else { throw Self.applicationNotFound(applicationId) }
        try Self.validate(memory: memory)
        let timeout = details.timeoutInSeconds ?? Self.defaultTimeout
        try Self.validate(timeout: timeout)
        try Self.validate(detachedTimeout: details.detachedModeTimeoutInSeconds)
        let config = try Self.validated(config: details.config ?? [:])
        if self.functions.values.contains(where: { $0.resource.applicationId == applicationId && $0.resource.displayName == displayName }) {
            throw .conflict("A function named '\(displayName)' already exists in application \(applicationId); choose another displayName or update the existing function.")
        }
        let now = Identifiers.timestamp(self.clock())
        let digest = details.sourceDetails?.imageDigest ?? details.imageDigest
        let function = FunctionResource(
            id: Identifiers.ocid("fnfunc"), displayName: displayName, lifecycleState: .active, applicationId: applicationId,
            compartmentId: application.compartmentId, image: image, imageDigest: digest,
            sourceDetails: FunctionSourceDetails(sourceType: "CONTAINER_IMAGE", image: image, imageDigest: digest),
            shape: application.shape, memoryInMBs: memory, config: config, timeoutInSeconds: timeout,
            detachedModeTimeoutInSeconds: details.detachedModeTimeoutInSeconds,
            provisionedConcurrencyConfig: details.provisionedConcurrencyConfig ?? .object(["strategy": .string("NONE")]),
            traceConfig: details.traceConfig, freeformTags: details.freeformTags ?? [:], definedTags: details.definedTags ?? [:],
            invokeEndpoint: self.invokeEndpoint, timeCreated: now, timeUpdated: now
        )
        let stored = Stored(resource: function, etag: Identifiers.etag(), sequence: self.takeSequence())
        self.functions[function.id] = stored
        return (function, stored.etag)
    }

    func functionResource(id: String) throws(OCIError) -> (FunctionResource, etag: String) {
        guard let stored = self.functions[id] else { throw Self.functionNotFound(id) }
        return (stored.resource, stored.etag)
    }

    func listFunctions(applicationId: String, criteria: ListCriteria) -> [FunctionResource] {
        Self.listed(self.functions, criteria) { $0.applicationId == applicationId }
    }

    func updateFunction(id: String, _ details: UpdateFunctionDetails, ifMatch: String?) throws(OCIError) -> (FunctionResource, etag: String) {
        guard var stored = self.functions[id] else { throw Self.functionNotFound(id) }
        try Self.check(ifMatch: ifMatch, etag: stored.etag)
        if let memory = details.memoryInMBs {
            try Self.validate(memory: memory)
            stored.resource.memoryInMBs = memory
        }
        if let timeout = details.timeoutInSeconds {
            try Self.validate(timeout: timeout)
            stored.resource.timeoutInSeconds = timeout
        }
        if let detached = details.detachedModeTimeoutInSeconds {
            try Self.validate(detachedTimeout: detached)
            stored.resource.detachedModeTimeoutInSeconds = detached
        }
        if let config = details.config { stored.resource.config = try Self.validated(config: config) }
        if let image = details.sourceDetails?.image ?? details.image {
            let digest = details.sourceDetails?.imageDigest ?? details.imageDigest
            stored.resource.image = image
            stored.resource.imageDigest = digest
            stored.resource.sourceDetails = FunctionSourceDetails(sourceType: "CONTAINER_IMAGE", image: image, imageDigest: digest)
        }
        if let value = details.provisionedConcurrencyConfig { stored.resource.provisionedConcurrencyConfig = value }
        if let value = details.traceConfig { stored.resource.traceConfig = value }
        if let value = details.freeformTags { stored.resource.freeformTags = value }
        if let value = details.definedTags { stored.resource.definedTags = value }
        stored.resource.timeUpdated = Identifiers.timestamp(self.clock())
        stored.etag = Identifiers.etag()
        self.functions[id] = stored
        return (stored.resource, stored.etag)
    }

    func deleteFunction(id: String, ifMatch: String?) throws(OCIError) {
        guard let stored = self.functions[id] else { throw Self.functionNotFound(id) }
        try Self.check(ifMatch: ifMatch, etag: stored.etag)
        self.functions[id] = nil
    }

    // MARK: Validation

    private func takeSequence() -> Int {
        self.nextSequence += 1
        return self.nextSequence
    }

    private static func required(_ value: String?, _ name: String) throws(OCIError) -> String {
        guard let value, !value.isEmpty else { throw .missingParameter("\(name) is mandatory and was not given.") }
        return value
    }

    private static func check(ifMatch: String?, etag: String) throws(OCIError) {
        if let ifMatch, ifMatch != "*", ifMatch != etag {
            throw .preconditionFailed("The if-match etag '\(ifMatch)' does not match the resource's current etag; get the resource again and retry with its etag.")
        }
    }

    private static func validate(memory: Int) throws(OCIError) {
        guard Self.memorySizes.contains(memory) else {
            throw .invalidParameter("memoryInMBs \(memory) is not supported; use one of \(Self.memorySizes.map(String.init).joined(separator: ", ")).")
        }
    }

    private static func validate(timeout: Int) throws(OCIError) {
        guard Self.timeoutRange.contains(timeout) else {
            throw .invalidParameter("timeoutInSeconds \(timeout) is out of range; use \(Self.timeoutRange.lowerBound) to \(Self.timeoutRange.upperBound).")
        }
    }

    private static func validate(detachedTimeout: Int?) throws(OCIError) {
        if let detachedTimeout, !Self.detachedTimeoutRange.contains(detachedTimeout) {
            throw .invalidParameter("detachedModeTimeoutInSeconds \(detachedTimeout) is out of range; use \(Self.detachedTimeoutRange.lowerBound) to \(Self.detachedTimeoutRange.upperBound).")
        }
    }

    /// Config keys become environment variables: letters, digits and `_`, not starting with a digit; 4 KB in all.
    private static func validated(config: [String: String]) throws(OCIError) -> [String: String] {
        for key in config.keys.sorted() {
            let isValid = key.first.map { !$0.isNumber } == true
                && key.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" }
            guard isValid else {
                throw .invalidParameter("config key '\(key)' is not valid: use ASCII letters, digits and '_', not starting with a digit.")
            }
        }
        let size = config.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        guard size <= Self.maxConfigBytes else {
            throw .invalidParameter("config is \(size) bytes; keys and values together may hold at most \(Self.maxConfigBytes) bytes.")
        }
        return config
    }

    private static func applicationNotFound(_ id: String) -> OCIError {
        .notAuthorizedOrNotFound("application \(id)")
    }

    private static func functionNotFound(_ id: String) -> OCIError {
        .notAuthorizedOrNotFound("function \(id)")
    }
}
