import Foundation
import Hummingbird

/// Reading the parts of a request the way OCI clients encode them.
enum RequestParts {
    /// The query of a raw request target, form-decoded (`+` is a space, `%XX` decoded once); the last value of a
    /// repeated key wins.
    static func query(_ rawQuery: String?) throws(OCIError) -> [String: String] {
        guard let rawQuery, !rawQuery.isEmpty else { return [:] }
        var result: [String: String] = [:]
        for pair in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try self.formDecode(parts[0])
            let value = parts.count > 1 ? try self.formDecode(parts[1]) : ""
            result[key] = value
        }
        return result
    }

    /// One path segment (or the rest of the path), percent-decoded once; `+` stays a plus.
    static func pathDecode(_ raw: Substring) throws(OCIError) -> String {
        guard let decoded = String(raw).removingPercentEncoding else {
            throw .invalidParameter("The path segment '\(raw)' has a malformed percent-encoding; encode '%' as %25.")
        }
        return decoded
    }

    /// The path of a raw target split after a fixed number of leading segments: `/n/ns/b/bkt/o/a/b%2Fc` with
    /// `leading: 5` gives `["n", "ns", "b", "bkt", "o"]` and the rest `a/b%2Fc`, still encoded.
    static func splitPath(_ path: String, leading: Int) -> (segments: [Substring], rest: Substring?) {
        let trimmed = path.drop { $0 == "/" }
        let parts = trimmed.split(separator: "/", maxSplits: leading, omittingEmptySubsequences: false)
        guard parts.count > leading else { return (parts, nil) }
        return (Array(parts.prefix(leading)), parts[leading])
    }

    /// The `content-length` a request announces, nil without one (or with one that is not a number).
    static func contentLength(_ headers: HTTPFields) -> Int? {
        headers[.contentLength].flatMap { Int($0) }
    }

    /// Whether a request says a body follows its head (a non-zero length, or chunks).
    static func announcesBody(_ headers: HTTPFields) -> Bool {
        headers[.transferEncoding] != nil || (self.contentLength(headers) ?? 0) > 0
    }

    private static func formDecode(_ raw: Substring) throws(OCIError) -> String {
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        guard let decoded = spaced.removingPercentEncoding else {
            throw .invalidParameter("The query parameter '\(raw)' has a malformed percent-encoding; encode '%' as %25.")
        }
        return decoded
    }
}

extension Request {
    /// The query parameters, form-decoded.
    func queryParameters() throws(OCIError) -> [String: String] {
        try RequestParts.query(self.uri.query)
    }

    /// The body, which `SignatureMiddleware` has already collected.
    func bodyBytes() async throws -> [UInt8] {
        var request = self
        let buffer = try await request.collectBody(upTo: .max)
        return Array(buffer.readableBytesView)
    }

    /// The body decoded as JSON into `Details`, or 400 naming what is wrong with it.
    func decodeJSON<Details: Decodable>(_ type: Details.Type) async throws -> Details {
        let bytes = try await self.bodyBytes()
        do {
            return try JSONDecoder().decode(Details.self, from: Data(bytes))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw OCIError.invalidParameter("The field '\(field)' of the request body has the wrong type: \(context.debugDescription)")
        } catch {
            throw OCIError.cannotParseRequest("The request body is not the JSON object this operation takes: \(error)")
        }
    }
}
