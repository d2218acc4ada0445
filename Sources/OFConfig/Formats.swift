// The shapes of OCI identifiers: OCIDs, region names, key fingerprints, endpoint URLs. Pure checks.

enum Formats {
    enum OCIDProblem: Equatable {
        case malformed
        /// A well-formed OCID of another resource type, e.g. a vcn where a subnet was wanted.
        case wrongType(found: String)
    }

    /// Checks `ocid1.<type>.<realm>.[region][.future use].<unique id>` and that the type is one of `types`.
    static func ocidProblem(_ value: String, types: [String]) -> OCIDProblem? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 5, let version = parts.first, let type = parts.dropFirst().first,
              let realm = parts.dropFirst(2).first, let unique = parts.last,
              version.hasPrefix("ocid"), !version.dropFirst(4).isEmpty, version.dropFirst(4).allSatisfy(isDigit),
              !type.isEmpty, type.allSatisfy(isLowerAlphanumeric),
              let realmDigits = realm.firstIndex(where: isDigit), realmDigits > realm.startIndex,
              realm[..<realmDigits].allSatisfy(isLowerLetter), realm[realmDigits...].allSatisfy(isDigit),
              parts.dropFirst(3).dropLast().allSatisfy({ $0.allSatisfy { isLowerAlphanumeric($0) || $0 == "-" } }),
              !unique.isEmpty, unique.allSatisfy(isLowerAlphanumeric)
        else { return .malformed }
        return types.contains(String(type)) ? nil : .wrongType(found: String(type))
    }

    enum RegionProblem: Equatable {
        case malformed
        case uppercase(suggestion: String)
        /// A three-letter region key such as "iad", which the API endpoints do not take.
        case shortKey
    }

    /// Region identifiers: lowercase words joined by hyphens, ending in a number (`eu-madrid-1`).
    static func regionProblem(_ value: String) -> RegionProblem? {
        let lowered = value.lowercased()
        let words = lowered.split(separator: "-", omittingEmptySubsequences: false)
        let wellFormed = words.count >= 3
            && words.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy(isLowerLetter) }
            && words.last.map { !$0.isEmpty && $0.allSatisfy(isDigit) } == true
        if wellFormed { return lowered == value ? nil : .uppercase(suggestion: lowered) }
        if lowered.count == 3, lowered.allSatisfy(isLowerLetter) { return .shortKey }
        return .malformed
    }

    enum FingerprintProblem: Equatable {
        case malformed
        case uppercase(suggestion: String)
    }

    /// 16 pairs of hex digits separated by colons, in lowercase as the oci SDK sends it.
    static func fingerprintProblem(_ value: String) -> FingerprintProblem? {
        let lowered = value.lowercased()
        let pairs = lowered.split(separator: ":", omittingEmptySubsequences: false)
        guard pairs.count == 16, pairs.allSatisfy({ $0.count == 2 && $0.allSatisfy(isLowerHex) }) else { return .malformed }
        return lowered == value ? nil : .uppercase(suggestion: lowered)
    }

    /// An http or https URL of a host and optional port, no path: returned without a trailing slash and
    /// with its scheme lowercased, or the problem in words.
    static func normalizedEndpoint(_ value: String) -> Result<String, EndpointProblem> {
        let lowered = value.lowercased()
        let scheme: String
        if lowered.hasPrefix("https://") {
            scheme = "https://"
        } else if lowered.hasPrefix("http://") {
            scheme = "http://"
        } else {
            return .failure(.scheme)
        }
        var authority = Substring(value.dropFirst(scheme.count))
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        if authority.contains(where: { $0 == "?" || $0 == "#" }) { return .failure(.queryOrFragment) }
        if authority.contains("/") { return .failure(.path) }
        if authority.contains("@") { return .failure(.userInfo) }
        let host: Substring
        let port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return .failure(.host) }
            host = authority[...close]
            let rest = authority[authority.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { return .failure(.host) }
            port = rest.isEmpty ? nil : rest.dropFirst()
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        } else {
            host = authority
            port = nil
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.[]:".contains($0)) }) else {
            return .failure(.host)
        }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(isDigit), let number = Int(port), (1...65535).contains(number) else {
                return .failure(.port)
            }
        }
        return .success(scheme + authority)
    }

    enum EndpointProblem: Error, Equatable {
        case scheme, path, queryOrFragment, userInfo, host, port

        var explanation: String {
            switch self {
            case .scheme: return "does not start with http:// or https://"
            case .path: return "has a path after the host; give only the scheme, host and port"
            case .queryOrFragment: return "has a query or fragment (? or #); give only the scheme, host and port"
            case .userInfo: return "carries a user name (user@host), which is not used; give only the scheme, host and port"
            case .host: return "has no valid host name"
            case .port: return "has a port that is not a number from 1 to 65535"
            }
        }
    }

    private static func isDigit(_ c: Character) -> Bool { c >= "0" && c <= "9" }
    private static func isLowerLetter(_ c: Character) -> Bool { c >= "a" && c <= "z" }
    private static func isLowerAlphanumeric(_ c: Character) -> Bool { isLowerLetter(c) || isDigit(c) }
    private static func isLowerHex(_ c: Character) -> Bool { isDigit(c) || (c >= "a" && c <= "f") }
}
