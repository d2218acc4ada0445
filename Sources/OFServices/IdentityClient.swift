// Identity (API 20160918): the user behind the API key, e.g. for the registry user name.
import OFTransport

public struct User: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String?
    public var email: String?
    public var compartmentId: String?
    public var lifecycleState: String?
    public var timeCreated: String?
}

public struct IdentityClient: Sendable {
    public let service: ServiceClient

    public init(service: ServiceClient) { self.service = service }

    public func getUser(id: String) async throws -> User {
        try await service.sendJSON(User.self, "GetUser", "GET", service.endpoints.identity + "/20160918/users/" + PercentEncoding.component(id))
    }
}
