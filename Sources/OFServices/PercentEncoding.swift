/// Percent-encoding for URL path segments and query values: everything but RFC 3986's
/// unreserved characters is encoded, `/` included, as the oci Python SDK does for object names.
public enum PercentEncoding {
    public static func component(_ text: String) -> String {
        // "." and ".." as a whole segment would be collapsed by the HTTP client after signing; encoded, they stay
        if text == "." || text == ".." { return String(repeating: "%2E", count: text.count) }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// "?a=1&b=x%20y" from pairs whose value is not nil; "" when none is left.
    public static func query(_ items: [(String, String?)]) -> String {
        let present = items.compactMap { name, value in value.map { "\(component(name))=\(component($0))" } }
        return present.isEmpty ? "" : "?" + present.joined(separator: "&")
    }
}
