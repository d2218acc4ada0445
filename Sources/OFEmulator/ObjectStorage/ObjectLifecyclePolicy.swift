import Foundation

/// A bucket's object lifecycle policy. The emulator keeps it and answers with it, but does not act on its rules.
struct ObjectLifecyclePolicy: Codable, Sendable, Equatable {
    var timeCreated: String
    var items: [ObjectLifecycleRule]
}

struct PutObjectLifecyclePolicyDetails: Codable, Sendable {
    var items: [ObjectLifecycleRule]?
}

struct ObjectLifecycleRule: Codable, Sendable, Equatable {
    struct NameFilter: Codable, Sendable, Equatable {
        var inclusionPrefixes: [String]?
        var inclusionPatterns: [String]?
        var exclusionPatterns: [String]?
    }

    static let actions: Set = ["ARCHIVE", "INFREQUENT_ACCESS", "DELETE", "ABORT"]
    static let targets: Set = ["objects", "multipart-uploads", "previous-object-versions"]
    static let timeUnits: Set = ["DAYS", "YEARS"]

    var name: String?
    var target: String?
    var action: String?
    var timeAmount: Int?
    var timeUnit: String?
    var isEnabled: Bool?
    var objectNameFilter: NameFilter?

    /// - Throws: 400 naming the first field that is missing or not one OCI accepts.
    func validate(index: Int) throws(OCIError) {
        let rule = "items[\(index)]"
        guard let name, !name.isEmpty else { throw .missingParameter("\(rule).name is mandatory: name the rule.") }
        guard let action else { throw .missingParameter("\(rule).action is mandatory: one of \(Self.actions.sorted().joined(separator: ", ")).") }
        guard Self.actions.contains(action) else {
            throw .invalidParameter("\(rule).action '\(action)' is not one of \(Self.actions.sorted().joined(separator: ", ")).")
        }
        if let target, !Self.targets.contains(target) {
            throw .invalidParameter("\(rule).target '\(target)' is not one of \(Self.targets.sorted().joined(separator: ", ")).")
        }
        guard let timeAmount, timeAmount > 0 else { throw .invalidParameter("\(rule).timeAmount must be a whole number above 0.") }
        guard let timeUnit, Self.timeUnits.contains(timeUnit) else {
            throw .invalidParameter("\(rule).timeUnit must be DAYS or YEARS, not '\(timeUnit ?? "")'.")
        }
        guard isEnabled != nil else { throw .missingParameter("\(rule).isEnabled is mandatory: true or false.") }
    }
}
