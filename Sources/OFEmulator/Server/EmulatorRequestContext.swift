import Hummingbird

/// Per-request state the middlewares hand to the routes.
public struct EmulatorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The `opc-request-id` of this request: the client's, or one made up for it.
    public var requestID = ""
    /// The keyId whose signature the request carried, once verified.
    public var keyId = ""

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}
