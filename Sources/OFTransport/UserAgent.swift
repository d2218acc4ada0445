import CCurl

/// The library's version, reported in the User-Agent and by ofn_version().
public enum LibraryVersion {
    public static let string: StaticString = "0.1.0"
}

enum UserAgent {
    /// "oraclefn/0.1.0 (Linux; x86_64) libcurl/7.88.1", then the suffix if any.
    static func make(suffix: String?) -> String {
        var agent = "oraclefn/\(LibraryVersion.string) (Linux; \(architecture)) libcurl/\(curlVersion)"
        if let suffix, !suffix.isEmpty { agent += " " + suffix }
        return agent
    }

    private static var curlVersion: String {
        // curl_version() reads "libcurl/7.88.1 OpenSSL/3.0.11 ...".
        let full = String(cString: curl_version())
        return full.split(separator: " ").first.map { String($0.dropFirst("libcurl/".count)) } ?? "unknown"
    }

    private static var architecture: String {
        #if arch(x86_64)
        "x86_64"
        #elseif arch(arm64)
        "aarch64"
        #else
        "unknown"
        #endif
    }
}
