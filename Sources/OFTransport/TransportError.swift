/// A request that got no HTTP answer: the connection could not be made or broke, it
/// timed out, was cancelled, or could not be sent at all. Messages say what to check
/// and never contain header values.
public struct TransportError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The request itself is malformed (a bad URL, contradicting headers).
        case invalidRequest
        /// The host name did not resolve, or no connection could be made.
        case connectFailed
        /// The TLS handshake failed or the server's certificate was not trusted.
        case tls
        /// Connecting, or waiting for data, took longer than allowed.
        case timedOut
        /// The connection broke while the request was being sent or answered.
        case connectionLost
        /// Reading the request body, or writing the answer to its sink, failed.
        case bodySource
        case cancelled
        /// The client was shut down while the request was waiting or running.
        case shutdown
        /// The circuit breaker is open: too many recent failures from this host.
        case circuitOpen
        /// libcurl failed in a way no other kind describes.
        case other
    }

    public let kind: Kind
    public let description: String
    /// False when nothing of the request reached the server, so even a call that is
    /// not idempotent may be sent again.
    public let requestSent: Bool
    /// The libcurl error code, when libcurl reported the failure.
    public let curlCode: Int32?

    public init(kind: Kind, description: String, requestSent: Bool, curlCode: Int32? = nil) {
        self.kind = kind
        self.description = description
        self.requestSent = requestSent
        self.curlCode = curlCode
    }

    public static func invalidRequest(_ message: String) -> TransportError {
        TransportError(kind: .invalidRequest, description: message, requestSent: false)
    }
    public static func bodySource(_ message: String) -> TransportError {
        TransportError(kind: .bodySource, description: message, requestSent: true)
    }
    public static let cancelled = TransportError(kind: .cancelled, description: "the request was cancelled", requestSent: true)
    public static let shutdown = TransportError(
        kind: .shutdown, description: "the HTTP client was shut down before the request finished; keep the client alive until its requests complete",
        requestSent: true)
}
