/// How requests are signed: the `auth` key of the `oracle` section, spelled as the oci CLI's `--auth`.
public enum AuthMode: String, Sendable, CaseIterable, Equatable {
    /// An API key: `user`, `fingerprint`, `key_file` (and `pass_phrase`) of the configuration or profile.
    case apiKey = "api_key"
    /// A session token from `oci session authenticate`: the profile's `security_token_file` and session `key_file`.
    case securityToken = "security_token"
    /// An OCI compute instance's identity, from the instance metadata service and the federation endpoint.
    case instancePrincipal = "instance_principal"
    /// A function's identity, from the `OCI_RESOURCE_PRINCIPAL_*` environment Oracle Functions sets.
    case resourcePrincipal = "resource_principal"

    /// "api_key, security_token, instance_principal or resource_principal", for messages.
    public static var spelled: String {
        let names = allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }
}
