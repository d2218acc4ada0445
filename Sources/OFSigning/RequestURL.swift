/// The two parts of an absolute URL that OCI signs: `host` (the authority, with `:port` when the URL has
/// one) and the request target (path and query exactly as sent, no decoding, no reordering).
struct RequestURL: Equatable {
    let host: String
    let target: String

    // Cut on bytes, which the first check makes printable ASCII: every request is signed, and walking a long
    // URL by Characters was a visible share of the signing threads' work besides RSA.
    init(_ url: String) throws(SigningError) {
        let bytes = url.utf8
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw SigningError(request: "The URL \"\(url)\" contains spaces, control or non-ASCII characters: percent-encode the path and query before signing.")
        }
        guard let schemeEnd = Self.schemeSeparator(in: bytes), schemeEnd.lowerBound > bytes.startIndex else {
            throw SigningError(request: "The URL \"\(url)\" is not absolute: give it as scheme://host/path, e.g. https://objectstorage.us-ashburn-1.oraclecloud.com/n/.")
        }
        let (slash, question, hash) = (UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"))
        let afterScheme = bytes[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == slash || $0 == question || $0 == hash }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard !authority.isEmpty else {
            throw SigningError(request: "The URL \"\(url)\" has no host: give it as scheme://host/path.")
        }
        var rest = afterScheme[authorityEnd...]
        if let fragment = rest.firstIndex(of: hash) {
            rest = rest[..<fragment]
        }
        let queryStart = rest.firstIndex(of: question)
        let path = rest[..<(queryStart ?? rest.endIndex)]
        let query = queryStart.map { rest[rest.index(after: $0)...] } ?? rest[rest.endIndex...]
        host = String(decoding: authority, as: UTF8.self)
        // As Python's PreparedRequest.path_url, which the OCI SDK signs: "/" for an empty path, no bare "?".
        let pathPart = path.isEmpty ? "/" : String(decoding: path, as: UTF8.self)
        target = query.isEmpty ? pathPart : pathPart + "?" + String(decoding: query, as: UTF8.self)
    }

    /// Where the first "://" is.
    private static func schemeSeparator(in bytes: String.UTF8View) -> Range<String.Index>? {
        let separator = "://".utf8
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index...].starts(with: separator) {
                return index..<bytes.index(index, offsetBy: separator.count)
            }
            index = bytes.index(after: index)
        }
        return nil
    }
}
