public struct ConfigError: Error, CustomStringConvertible { public var description: String }
