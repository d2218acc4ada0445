/// The canonical signing string of draft-cavage-http-signatures-08 section 2.3, as OCI builds it.
enum SigningString {
    static let requestTargetName = "(request-target)"
    /// Signed on every request (the OCI SDKs' "generic headers"); `dateHeader` is `date` or `x-date`.
    static func genericHeaders(dateHeader: String) -> [String] {
        [dateHeader, requestTargetName, "host"]
    }
    /// Signed in addition when the body is signed.
    static let bodyHeaders = ["content-length", "content-type", "x-content-sha256"]

    /// A signed header the request does not carry.
    struct MissingHeader: Error, Equatable {
        let name: String
    }

    /// The `(request-target)` value: lowercase method, a space, then path and query exactly as sent.
    static func requestTarget(method: String, target: String) -> String {
        method.lowercased() + " " + target
    }

    /// One `name: value` line per signed header, in the order listed, joined by `\n`, no trailing newline.
    /// `headers` has lowercase names.
    static func build(signedHeaders: [String], requestTarget: String, headers: [String: String])
        -> Result<String, MissingHeader>
    {
        var lines = [String]()
        for name in signedHeaders {
            let value = name == requestTargetName ? requestTarget : headers[name]
            guard let value else { return .failure(MissingHeader(name: name)) }
            lines.append(name + ": " + value)
        }
        return .success(lines.joined(separator: "\n"))
    }

    /// `date` unless the request carries `x-date`: OCI reads `x-date` when both are present.
    static func dateHeaderName(in headers: [String: String]) -> String {
        headers["x-date"] == nil ? "date" : "x-date"
    }
}
