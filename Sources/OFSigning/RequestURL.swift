/// The two parts of an absolute URL that OCI signs: `host` (the authority, with `:port` when the URL has
/// one) and the request target (path and query exactly as sent, no decoding, no reordering).
struct RequestURL: Equatable {
    let host: String
    let target: String

    init(_ url: String) throws(SigningError) {
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw SigningError(request: "The URL \"\(url)\" contains spaces, control or non-ASCII characters: percent-encode the path and query before signing.")
        }
        guard let schemeEnd = url.firstRange(of: "://"), schemeEnd.lowerBound > url.startIndex else {
            throw SigningError(request: "The URL \"\(url)\" is not absolute: give it as scheme://host/path, e.g. https://objectstorage.us-ashburn-1.oraclecloud.com/n/.")
        }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard !authority.isEmpty else {
            throw SigningError(request: "The URL \"\(url)\" has no host: give it as scheme://host/path.")
        }
        var rest = afterScheme[authorityEnd...]
        if let fragment = rest.firstIndex(of: "#") {
            rest = rest[..<fragment]
        }
        let queryStart = rest.firstIndex(of: "?")
        let path = rest[..<(queryStart ?? rest.endIndex)]
        let query = queryStart.map { rest[rest.index(after: $0)...] } ?? ""
        host = String(authority)
        // As Python's PreparedRequest.path_url, which the OCI SDK signs: "/" for an empty path, no bare "?".
        target = (path.isEmpty ? "/" : String(path)) + (query.isEmpty ? "" : "?" + query)
    }
}
