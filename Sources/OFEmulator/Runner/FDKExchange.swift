import Foundation

/// The two halves of a call's translation between OCI's invoke API and the FDK http-stream contract,
/// following the Fn agent (which OCI Functions runs): what the handler is sent, and what its answer means.
enum FDKExchange {
    /// Caller headers not handed to the handler: hop-by-hop ones, framing, and the caller's credentials.
    static let withheldHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
        "upgrade", "host", "content-length", "expect", "authorization",
    ]

    /// The `POST /call` request: the call's id and deadline, gateway mode (`Fn-Intent: httprequest`) with the
    /// caller's headers as `Fn-Http-H-<Name>`, the caller's Content-Type and body.
    static func request(
        callId: String, deadline: Date, requestURL: String, callerHeaders: [(String, String)], body: [UInt8]
    ) -> FDKRequest {
        var headers: [(String, String)] = [
            ("Fn-Call-Id", callId),
            ("Fn-Deadline", deadline.formatted(Date.ISO8601FormatStyle())),
            ("Fn-Http-Method", "POST"),
            ("Fn-Http-Request-Url", requestURL),
        ]
        var intent = "httprequest"
        for (name, value) in callerHeaders {
            let lowered = name.lowercased()
            switch lowered {
            case "content-type": headers.append(("Content-Type", value))
            case "fn-intent": intent = value
            case "fn-invoke-type": headers.append(("Fn-Invoke-Type", value))
            case _ where lowered.hasPrefix("fn-") || withheldHeaders.contains(lowered): continue
            default: headers.append(("Fn-Http-H-" + name, value))
            }
        }
        headers.append(("Fn-Intent", intent))
        return FDKRequest(headers: headers, body: body)
    }

    /// What the handler's answer comes to, and whether the handler may serve another call.
    /// 200 relays the function's answer (`Fn-Http-Status` and `Fn-Http-H-*` unwrapped); 502 is the function's
    /// own failure and 504 its own timeout, both leaving the handler up; anything else breaks the contract and
    /// the handler is stopped.
    static func outcome(of response: FDKResponse) -> (outcome: InvokeOutcome, keepHandler: Bool) {
        switch response.status {
        case 200:
            var status = 200
            if let relayed = response.header("Fn-Http-Status").flatMap({ Int($0) }), (200...599).contains(relayed) {
                status = relayed
            }
            var headers: [(String, String)] = []
            for (name, value) in response.headers {
                let lowered = name.lowercased()
                if lowered == "content-type" {
                    headers.append((name, value))
                } else if lowered.hasPrefix("fn-http-h-") {
                    let unwrapped = String(name.dropFirst("fn-http-h-".count))
                    // framing is the emulator's own business
                    if !withheldHeaders.contains(unwrapped.lowercased()) { headers.append((unwrapped, value)) }
                }
            }
            return (.answered(InvokeAnswer(status: status, headers: headers, body: response.body)), true)
        case 502:
            let detail = excerpt(response.body)
            return (.failed(.functionFailed(detail.isEmpty ? "the handler reported an error" : "the handler reported: \(detail)")), true)
        case 504:
            return (.failed(InvokeFailure(504, "FunctionInvokeTimeout", "Timed out: the function's handler reported a timeout (its FDK answered 504).")), true)
        default:
            return (.failed(.invalidResponse("the handler answered HTTP \(response.status); the FDK contract allows 200, 502 and 504, so the handler was stopped.")), false)
        }
    }

    /// The start of a body as text, for an error message.
    static func excerpt(_ body: [UInt8], limit: Int = 500) -> String {
        let text = String(decoding: body.prefix(limit), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return body.count > limit ? text + "..." : text
    }
}
