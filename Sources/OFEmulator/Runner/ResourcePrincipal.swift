import Foundation
import OFSigning

/// The identity the emulator lends its handlers, as Oracle Functions lends each function's container a
/// resource principal: a session token and a private key in the environment (version 2.2), so a function signs
/// its own Object Storage requests with keyId `ST$<token>` and never sees the caller's credentials. The token is
/// one of the emulator's session tokens (`TokenIssuer`), accepted until it expires.
public struct ResourcePrincipalSession: Sendable {
    /// A JWT, as OCI's resource principal session tokens are (the oci SDK reads its `exp`, `res_tenant` and
    /// `res_compartment` claims).
    public let token: String
    public let publicKey: PublicKey
    /// The session's private key, PKCS#8 PEM.
    public let privateKeyPEM: String
    public let region: String
    /// The environment every handler gets.
    public var environment: [String: String] {
        [
            "OCI_RESOURCE_PRINCIPAL_VERSION": "2.2",
            "OCI_RESOURCE_PRINCIPAL_RPST": self.token,
            "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": self.privateKeyPEM,
            "OCI_RESOURCE_PRINCIPAL_REGION": self.region,
        ]
    }

    /// `ST$<token>`, the keyId requests signed with the session key carry.
    public var keyId: String { "ST$" + token }

    /// A fresh session key and a token for it from `issuer`, for a function of `tenancy` in `region`, valid for
    /// `lifetime` seconds.
    public static func issue(by issuer: TokenIssuer, tenancy: String, region: String, lifetime: Int) throws -> ResourcePrincipalSession {
        let key = try PrivateKey.generate()
        let function = EmulatorIdentity.function
        let claims: [String: JSONValue] = [
            "sub": .string(function), "ptype": .string("resource"), "ttype": .string("res"), "aud": .string("oci"),
            "res_type": .string("fnfunc"), "res_id": .string(function), "res_tenant": .string(tenancy),
            "res_compartment": .string(tenancy), "tenant": .string(tenancy),
        ]
        let token = try issuer.issue(claims: claims, sessionKey: key.publicKey, lifetime: lifetime)
        return ResourcePrincipalSession(token: token, publicKey: key.publicKey, privateKeyPEM: try key.pkcs8PEM(), region: region)
    }
}
