import Foundation
import OFSigning

/// The identity the emulator lends its handlers, as Oracle Functions lends each function's container a
/// resource principal: a session token and a private key in the environment (version 2.2), so a function signs
/// its own Object Storage requests with keyId `ST$<token>` and never sees the caller's credentials. The emulator
/// trusts that keyId for as long as it runs.
public struct ResourcePrincipalSession: Sendable {
    /// A JWT, as OCI's resource principal session tokens are (the oci SDK reads its `exp` claim).
    public let token: String
    public let publicKey: PublicKey
    /// The environment every handler gets.
    public let environment: [String: String]

    /// `ST$<token>`, the keyId requests signed with the session key carry.
    public var keyId: String { "ST$" + token }

    /// A fresh session key and token for `tenancy` in `region`, valid for `lifetime` seconds from `now`.
    public static func generate(tenancy: String, region: String, now: Date = Date(), lifetime: TimeInterval = 86_400 * 365) throws -> ResourcePrincipalSession {
        let key = try PrivateKey.generate()
        let issued = Int(now.timeIntervalSince1970)
        let header = #"{"alg":"RS256","typ":"JWT","kid":"oraclefn-emulator"}"#
        let claims: [String: Any] = [
            "iss": "authService.oracle.com", "sub": "oraclefn-emulator-function", "res_type": "resourceprincipal",
            "res_tenant": tenancy, "res_compartment": tenancy, "iat": issued, "exp": issued + Int(lifetime),
            "jti": UUID().uuidString.lowercased(),
        ]
        let payload = try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])
        let signingInput = base64URL(Data(header.utf8)) + "." + base64URL(payload)
        let signature = try key.sign(Array(signingInput.utf8))
        let token = signingInput + "." + base64URL(Data(signature))
        let environment = [
            "OCI_RESOURCE_PRINCIPAL_VERSION": "2.2",
            "OCI_RESOURCE_PRINCIPAL_RPST": token,
            "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": try key.pkcs8PEM(),
            "OCI_RESOURCE_PRINCIPAL_REGION": region,
        ]
        return ResourcePrincipalSession(token: token, publicKey: key.publicKey, environment: environment)
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
