/// The `Authorization: Signature ...` header of OCI signature version 1.
struct AuthorizationHeader: Equatable {
    static let algorithm = "rsa-sha256"
    static let version = "1"

    var signedHeaders: [String]
    var keyId: String
    var signature: String

    /// Parameters in the oci Python SDK's order (`algorithm,headers,keyId,signature,version`), so the
    /// header is byte-identical to the SDK's for the same request.
    var rendered: String {
        "Signature algorithm=\"\(Self.algorithm)\",headers=\"\(signedHeaders.joined(separator: " "))\","
            + "keyId=\"\(keyId)\",signature=\"\(signature)\",version=\"\(Self.version)\""
    }

    /// Reads the parameters in any order (Oracle's documentation and Go SDK use another order than
    /// the Python SDK). Values never contain `,` or `"`, so splitting on commas is safe.
    static func parse(_ value: String) -> Result<AuthorizationHeader, VerificationFailure> {
        let scheme = "signature "
        guard value.count > scheme.count, value.prefix(scheme.count).lowercased() == scheme else {
            return .failure(.malformed("the Authorization header must start with \"Signature \""))
        }
        var parameters = [String: String]()
        for item in value.dropFirst(scheme.count).split(separator: ",") {
            let pair = item.trimmingSpaces
            guard let equals = pair.firstIndex(of: "=") else {
                return .failure(.malformed("the parameter \"\(pair)\" is not name=\"value\""))
            }
            let name = String(pair[..<equals])
            let quoted = pair[pair.index(after: equals)...]
            guard quoted.count >= 2, quoted.first == "\"", quoted.last == "\"" else {
                return .failure(.malformed("the value of \"\(name)\" is not in double quotes"))
            }
            guard parameters.updateValue(String(quoted.dropFirst().dropLast()), forKey: name) == nil else {
                return .failure(.malformed("the parameter \"\(name)\" appears twice"))
            }
        }
        if let version = parameters["version"], version != Self.version {
            return .failure(VerificationFailure(.unsupportedVersion, "The Authorization header has version=\"\(version)\"; only signature version \"1\" is supported."))
        }
        guard let algorithm = parameters["algorithm"] else {
            return .failure(.malformed("the algorithm parameter is missing (it must be \"rsa-sha256\")"))
        }
        guard algorithm == Self.algorithm else {
            return .failure(VerificationFailure(.unsupportedAlgorithm, "The Authorization header has algorithm=\"\(algorithm)\"; only \"rsa-sha256\" is supported."))
        }
        guard let keyId = parameters["keyId"], !keyId.isEmpty else {
            return .failure(.malformed("the keyId parameter is missing (it must be tenancy/user/fingerprint)"))
        }
        guard let signature = parameters["signature"], !signature.isEmpty else {
            return .failure(.malformed("the signature parameter is missing"))
        }
        // draft-cavage: without a headers parameter only the date is signed.
        let signedHeaders = (parameters["headers"] ?? "date").split(separator: " ").map { $0.lowercased() }
        return .success(AuthorizationHeader(signedHeaders: signedHeaders, keyId: keyId, signature: signature))
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
