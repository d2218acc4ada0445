/// What an invoke call comes to, for the invoke route to answer.
public enum InvokeOutcome: Sendable {
    /// A sync call's answer: the function's status, headers and body.
    case answered(InvokeAnswer)
    /// A detached call was accepted and runs in the background (202).
    case accepted
    /// An error answered as OCI answers it.
    case failed(InvokeFailure)
    /// Fault injection: close the caller's connection without an answer.
    case dropConnection
}

public struct InvokeAnswer: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
}

/// An invoke error: HTTP status, OCI error code and a message saying what happened and what to do.
public struct InvokeFailure: Error, Sendable, Equatable {
    public let status: Int
    public let code: String
    public let message: String

    init(_ status: Int, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
}

// The invoke errors, with OCI's codes (Fn's messages first, as OCI words them).
extension InvokeFailure {
    static func requestTooLarge(_ size: Int, limit: Int) -> InvokeFailure {
        InvokeFailure(413, "FunctionInvokeRequestContentTooLarge", "Request content too large: the body has \(size) bytes and the limit is \(limit); pass large inputs through Object Storage instead.")
    }

    static func tooManyRequests(_ reason: String) -> InvokeFailure {
        InvokeFailure(429, "TooManyRequests", "Too many requests: \(reason); retry with exponential backoff.")
    }

    static func functionFailed(_ detail: String) -> InvokeFailure {
        InvokeFailure(502, "FunctionInvokeExecutionFailed", "function failed: \(detail)")
    }

    static func invalidResponse(_ detail: String) -> InvokeFailure {
        InvokeFailure(502, "FunctionInvokeInvalidResponse", "invalid function response: \(detail)")
    }

    static func responseTooLarge(limit: Int) -> InvokeFailure {
        InvokeFailure(502, "FunctionInvokeResponseBodyTooLarge", "function response body too large: it passed \(limit) bytes; return large results through Object Storage instead.")
    }

    static func imageNotAvailable(_ image: String) -> InvokeFailure {
        InvokeFailure(502, "FunctionInvokeImageNotAvailable", "The image '\(image)' is not in the emulator's image catalog; map it to a handler command in the emulator's image configuration (docs/emulator.md, \"Images\") or use a built-in image such as oraclefn/echo.")
    }

    static func containerInitFailed(_ detail: String) -> InvokeFailure {
        InvokeFailure(502, "FunctionInvokeContainerInitFail", "The function's handler failed to start: \(detail)")
    }

    static func containerInitTimeout(_ detail: String) -> InvokeFailure {
        InvokeFailure(504, "FunctionInvokeContainerInitTimeout", "The function's handler did not start in time: \(detail)")
    }

    static func timedOut(seconds: Int) -> InvokeFailure {
        InvokeFailure(504, "FunctionInvokeTimeout", "Timed out: the function did not answer within its timeout of \(seconds) s and its handler was stopped; raise timeoutInSeconds (at most 300) or make the call do less.")
    }

    static func internalServerError() -> InvokeFailure {
        InvokeFailure(500, "InternalServerError", "Internal server error (injected by the emulator's fault settings); retry with backoff.")
    }

    static func serviceUnavailable(_ reason: String) -> InvokeFailure {
        InvokeFailure(503, "FunctionInvokeServiceUnavailable", "Timed out - server too busy: \(reason); retry with exponential backoff.")
    }
}
