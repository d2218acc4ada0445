/// One HTTP request, as plain values.
public struct HTTPRequest: Sendable {
    public var method: String
    /// Absolute and already percent-encoded: it is sent, and signed, exactly as given.
    public var url: String
    public var headers: HTTPHeaders
    public var body: RequestBody
    /// Replaces the configured read timeout for this request, e.g. for a synchronous
    /// function call that may run for minutes.
    public var readTimeout: Duration?
    /// Receives the body of a successful (2xx) answer instead of `HTTPResponse.body`.
    /// Error answers are always collected, so they can be reported.
    public var sink: (any ResponseSink)?
    /// Connect timeout, read timeout and TLS for this request instead of the client's: one client serves
    /// services whose configuration sections may set them apart.
    public var transport: TransportConfiguration?
    /// Whether libcurl may send the request again by itself when a reused connection dies before any answer
    /// came. False for a request the server may have acted on that must not run twice (an invocation): the
    /// transfer then fails as a lost connection and the caller decides.
    public var resendable = true

    public init(
        method: String, url: String, headers: HTTPHeaders = [:], body: RequestBody = .empty,
        readTimeout: Duration? = nil, sink: (any ResponseSink)? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.readTimeout = readTimeout
        self.sink = sink
    }
}

public enum RequestBody: Sendable {
    case empty
    /// Bytes in memory; the only kind a signer can hash.
    case bytes([UInt8])
    /// Bytes read while sending, for large uploads.
    case source(any BodySource)

    public var count: Int {
        switch self {
        case .empty: 0
        case .bytes(let b): b.count
        case .source(let s): s.count
        }
    }

    var source: (any BodySource)? {
        switch self {
        case .empty: nil
        case .bytes(let b): ByteArraySource(b)
        case .source(let s): s
        }
    }
}

/// Where the body of a successful answer goes. Called on the transport's I/O thread,
/// one transfer at a time.
public protocol ResponseSink: AnyObject, Sendable {
    /// A successful answer starts; whatever an earlier attempt wrote is to be dropped.
    /// `expectedLength` is the Content-Length when the server sent one.
    func begin(expectedLength: Int?) throws(TransportError)
    func write(_ bytes: UnsafeRawBufferPointer) throws(TransportError)
}

/// One HTTP answer.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    /// The body, unless the request had a sink and the answer was a success.
    public var body: [UInt8]
    /// How many attempts it took, counting this one (set by the retrying executor).
    public var attempts: Int
    /// "1.1" or "2" (HTTP/2 is used over TLS when the server offers it).
    public var httpVersion: String
    /// New connections this request opened: 0 when it reused a pooled one.
    public var connectionsOpened: Int

    public init(status: Int, headers: HTTPHeaders, body: [UInt8], attempts: Int = 1, httpVersion: String = "1.1", connectionsOpened: Int = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.attempts = attempts
        self.httpVersion = httpVersion
        self.connectionsOpened = connectionsOpened
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}
