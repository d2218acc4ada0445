import Foundation

/// Identifiers and timestamps in the forms OCI uses.
enum Identifiers {
    /// An OCID such as `ocid1.fnapp.oc1.local.aaaaaaaa...`: OCI's shape, with a random base32 unique part.
    static func ocid(_ resourceType: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        let unique = (0..<52).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] }
        return "ocid1.\(resourceType).oc1.local.aaaaaaaa" + String(unique)
    }

    /// A request id as the oci SDKs make them: 32 uppercase hex digits.
    static func requestID() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "")
    }

    /// An opaque entity tag.
    static func etag() -> String {
        UUID().uuidString.lowercased()
    }

    /// RFC 3339 with milliseconds in UTC, as OCI writes `timeCreated`: `2018-09-12T22:47:12.613Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// An RFC 3339 time, with any number of fractional digits (the Python SDK sends microseconds) and `Z` or an
    /// offset, as clients send times; nil for anything else.
    static func date(_ text: String) -> Date? {
        guard let dot = text.firstIndex(of: ".") else { return try? Date.ISO8601FormatStyle().parse(text) }
        let digitsEnd = text[text.index(after: dot)...].firstIndex { !$0.isNumber } ?? text.endIndex
        guard let whole = try? Date.ISO8601FormatStyle().parse(String(text[..<dot] + text[digitsEnd...])),
            let fraction = Double("0" + text[dot..<digitsEnd])
        else { return nil }
        return whole.addingTimeInterval(fraction)
    }
}
