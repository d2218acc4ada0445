import Hummingbird
import NIOCore

/// Per-request state the middlewares hand to the routes.
public struct EmulatorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The `opc-request-id` of this request: the client's, or one made up for it.
    public var requestID = ""
    /// The keyId whose signature the request carried, once verified.
    public var keyId = ""
    /// Who signed it: the user of an API key, the subject of a session token.
    public var principal = ""
    /// The connection, for the fault that drops it (see `InvokeRoutes`).
    public let channel: any Channel

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}

extension EmulatorRequestContext {
    /// A parameter of the route's path (`:functionId` ...), percent-decoded.
    func pathParameter(_ name: String) throws(OCIError) -> String {
        guard let raw = self.parameters.get(name) else { throw .missingParameter("The path has no \(name).") }
        return try RequestParts.pathDecode(raw[...])
    }
}
