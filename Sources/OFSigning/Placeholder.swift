import OFConfig
public struct SigningError: Error, CustomStringConvertible { public var description: String; public var isKeyError: Bool }
