/// A configuration that cannot be used. The message names the key and section at fault and says how to
/// fix it; it never holds a secret's value.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The section at fault, e.g. "oracle_f"; nil when the fault is not in one section (broken YAML).
    public let section: String?
    /// The key at fault, e.g. "subnet_id"; nil when the fault is a whole section or file.
    public let key: String?
    /// The whole message.
    public let description: String

    public init(section: String?, key: String?, message: String) {
        self.section = section
        self.key = key
        self.description = message
    }
}
