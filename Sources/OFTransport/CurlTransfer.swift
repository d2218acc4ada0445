// One request on one curl easy handle: setting it up from an HTTPRequest, the
// C callbacks that move bytes, and turning curl's result into a response or a
// TransportError. A transfer is set up on the submitting thread and from then on
// touched only by the client's I/O thread.
import CCurl
import Glibc
import OFSigning
import OFLocking
import Synchronization

final class Transfer: @unchecked Sendable {
    typealias Completion = @Sendable (Result<HTTPResponse, TransportError>) -> Void

    let id: UInt64
    let request: HTTPRequest
    let completion: Completion
    /// Set from any thread by cancel(); the I/O thread checks it when it picks the transfer up.
    let cancelRequested = Atomic<Bool>(false)
    let started = ContinuousClock.now

    private let handles: EasyHandles
    private(set) var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let source: (any BodySource)?
    private var uploadOffset = 0

    private var responseHeaders = HTTPHeaders()
    private var body: [UInt8] = []
    private var bodyRouted = false
    private var bodyToSink = false
    /// A failure inside a callback, reported instead of curl's generic abort code.
    private var callbackError: TransportError?

    init(id: UInt64, request: HTTPRequest, handles: EasyHandles, completion: @escaping Completion) {
        self.id = id
        self.request = request
        self.handles = handles
        self.completion = completion
        self.source = request.body.source
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        releaseHandle()
        errorBuffer.deallocate()
    }

    func releaseHandle() {
        if let easy { handles.giveBack(easy) }
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
    }

    // MARK: set-up

    func prepare(_ clientConfiguration: TransportConfiguration, userAgent: String) throws(TransportError) {
        _ = curlGlobalInit
        let configuration = request.transport ?? clientConfiguration
        guard let easy = handles.take() else {
            throw TransportError(kind: .other, description: "libcurl could not create a transfer (out of memory?)", requestSent: false)
        }
        self.easy = easy
        let context = Unmanaged.passUnretained(self).toOpaque()
        let method = request.method.uppercased()
        guard !method.isEmpty, method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            throw .invalidRequest("\"\(request.method)\" is not an HTTP method; use GET, HEAD, PUT, POST or DELETE")
        }
        guard request.url.hasPrefix("https://") || request.url.hasPrefix("http://") else {
            throw .invalidRequest("the URL \"\(request.url)\" is not an http:// or https:// URL; check the endpoint setting")
        }
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        try set(CURLOPT_PRIVATE, UnsafeMutableRawPointer(bitPattern: UInt(id)))
        try set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        try set(CURLOPT_PIPEWAIT, 1)  // wait for a multiplexed HTTP/2 connection rather than open another
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.timeouts.connect))
        // curl has no read timeout as such: abort when fewer bytes than seconds move in the window.
        try set(CURLOPT_LOW_SPEED_LIMIT, 1)
        try set(CURLOPT_LOW_SPEED_TIME, max(1, milliseconds(request.readTimeout ?? configuration.timeouts.read) / 1000))
        if let caFile = configuration.tls.caFile { try set(CURLOPT_CAINFO, caFile) }
        if !configuration.tls.verifiesPeer {
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
        }

        try check(ofn_curl_setopt_write_cb(easy, CURLOPT_HEADERFUNCTION, receiveHeaderLine), "HEADERFUNCTION")
        try set(CURLOPT_HEADERDATA, context)
        try check(ofn_curl_setopt_write_cb(easy, CURLOPT_WRITEFUNCTION, receiveBody), "WRITEFUNCTION")
        try set(CURLOPT_WRITEDATA, context)

        let bodyLength = request.body.count
        switch method {
        case "HEAD":
            try set(CURLOPT_NOBODY, 1)
        case "GET" where bodyLength == 0:
            try set(CURLOPT_HTTPGET, 1)
        default:
            try set(CURLOPT_CUSTOMREQUEST, method)
            if bodyLength > 0 || ["POST", "PUT", "PATCH"].contains(method) {
                try set(CURLOPT_UPLOAD, 1)
                try check(ofn_curl_setopt_off(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(bodyLength)), "INFILESIZE_LARGE")
                try check(ofn_curl_setopt_read_cb(easy, sendBody), "READFUNCTION")
                try set(CURLOPT_READDATA, context)
                try check(ofn_curl_setopt_seek_cb(easy, seekBody), "SEEKFUNCTION")
                try set(CURLOPT_SEEKDATA, context)
            }
        }
        try setHeaders(bodyLength: bodyLength, configuration: configuration, userAgent: userAgent)
    }

    private func setHeaders(bodyLength: Int, configuration: TransportConfiguration, userAgent: String) throws(TransportError) {
        var lines: [String] = []
        lines.reserveCapacity(request.headers.count + 2)
        let breaksLine: (UInt8) -> Bool = { $0 == 0x0A || $0 == 0x0D || $0 == 0 }
        for (name, value) in request.headers {
            guard !name.isEmpty, !name.utf8.contains(where: breaksLine), !value.utf8.contains(where: breaksLine) else {
                throw .invalidRequest("the header \"\(name)\" has an empty name or a line break in it; remove it")
            }
            if HTTPHeaders.same(name, "content-length") {
                // curl sends the length of the body it uploads; a different declared one is a bug.
                guard value.trimmingSpaces == String(bodyLength) else {
                    throw .invalidRequest("the content-length header says \(value) but the body has \(bodyLength) bytes; sign the body that is sent")
                }
                continue
            }
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        if !request.headers.contains("user-agent") { lines.append("User-Agent: \(userAgent)") }
        if !request.headers.contains("expect") {
            lines.append(bodyLength >= configuration.expectContinueThreshold ? "Expect: 100-continue" : "Expect:")
        }
        for line in lines {
            guard let list = curl_slist_append(headerList, line) else {
                throw TransportError(kind: .other, description: "libcurl could not store a request header (out of memory?)", requestSent: false)
            }
            headerList = list
        }
        try check(ofn_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList), "HTTPHEADER")
    }

    private func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(ofn_curl_setopt_long(easy, option, value), "\(option)")
    }
    private func set(_ option: CURLoption, _ value: String) throws(TransportError) {
        try check(ofn_curl_setopt_str(easy, option, value), "\(option)")
    }
    private func set(_ option: CURLoption, _ value: UnsafeMutableRawPointer?) throws(TransportError) {
        try check(ofn_curl_setopt_ptr(easy, option, value), "\(option)")
    }
    // `what` is made only on failure: describing a CURLoption goes through reflection, too slow for every request
    private func check(_ code: CURLcode, _ what: @autoclosure () -> String) throws(TransportError) {
        guard code == CURLE_OK else {
            let reason = String(cString: curl_easy_strerror(code))
            throw TransportError(
                kind: .other, description: "libcurl refused the option \(what()): \(reason); the installed libcurl may be too old (7.85 or newer is needed)",
                requestSent: false, curlCode: Int32(bitPattern: code.rawValue))
        }
    }

    // MARK: callbacks (I/O thread)

    // Parsed as bytes: only the name and the value become strings.
    fileprivate func headerLine(_ line: UnsafeRawBufferPointer) {
        if line.starts(with: "HTTP/".utf8) {
            // A new answer (after a 100 Continue, for instance): forget the previous one.
            responseHeaders = HTTPHeaders()
            body.removeAll(keepingCapacity: true)
            bodyRouted = false
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = line[..<colon].withoutSurroundingSpaces
        guard !name.isEmpty else { return }
        let value = line[(colon + 1)...].withoutSurroundingSpaces
        responseHeaders.add(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    fileprivate func bodyBytes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        do throws(TransportError) {
            if !bodyRouted {
                bodyRouted = true
                let expected = responseHeaders["content-length"].flatMap { Int($0) }
                bodyToSink = request.sink != nil && (200..<300).contains(responseCode)
                if bodyToSink, let sink = request.sink {
                    try sink.begin(expectedLength: expected)
                } else if let expected, expected > 0 {
                    body.reserveCapacity(min(expected, 64 << 20))
                }
            }
            if bodyToSink, let sink = request.sink {
                try sink.write(bytes)
            } else {
                body.append(contentsOf: bytes)
            }
            return true
        } catch {
            callbackError = error
            return false
        }
    }

    fileprivate func uploadBytes(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard let source else { return 0 }
        do throws(TransportError) {
            let n = try source.read(at: uploadOffset, into: buffer)
            uploadOffset += n
            if n == 0 && uploadOffset < source.count {
                throw TransportError.bodySource("the request body ended after \(uploadOffset) of \(source.count) bytes; was the file truncated while uploading?")
            }
            return n
        } catch {
            callbackError = error
            return nil
        }
    }

    /// libcurl rewinds the body only to send the request again on a fresh connection.
    fileprivate func seekUpload(to offset: Int) -> Bool {
        guard request.resendable, offset >= 0, offset <= request.body.count else { return false }
        uploadOffset = offset
        return true
    }

    private var responseCode: Int {
        var code = 0
        _ = ofn_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    // MARK: result

    func result(_ code: CURLcode) -> Result<HTTPResponse, TransportError> {
        if code == CURLE_OK {
            // An empty body never reaches the write callback; a sink still learns that its answer began.
            if !bodyRouted, !bodyBytes(UnsafeRawBufferPointer(start: nil, count: 0)) { return .failure(error(for: code)) }
            var version = 0, connections = 0
            _ = ofn_curl_getinfo_long(easy, CURLINFO_HTTP_VERSION, &version)
            _ = ofn_curl_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connections)
            return .success(HTTPResponse(
                status: responseCode, headers: responseHeaders, body: body,
                httpVersion: version == CURL_HTTP_VERSION_2_0 ? "2" : version == CURL_HTTP_VERSION_1_0 ? "1.0" : "1.1",
                connectionsOpened: connections))
        }
        return .failure(error(for: code))
    }

    private func error(for code: CURLcode) -> TransportError {
        if let callbackError { return callbackError }
        var requestBytes = 0
        _ = ofn_curl_getinfo_long(easy, CURLINFO_REQUEST_SIZE, &requestBytes)
        let sent = requestBytes > 0
        let detail = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        let what = "\(request.method) \(request.url)"
        let curlCode = Int32(bitPattern: code.rawValue)
        func make(_ kind: TransportError.Kind, _ text: String, sent: Bool = sent) -> TransportError {
            TransportError(kind: kind, description: text, requestSent: sent, curlCode: curlCode)
        }
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return make(.invalidRequest, "\(what): the URL is not valid (\(detail)); check the endpoint setting", sent: false)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return make(.connectFailed, "\(what): could not connect (\(detail)); check the endpoint or region, the network and any proxy settings (https_proxy, no_proxy)", sent: false)
        case CURLE_OPERATION_TIMEDOUT where !sent:
            return make(.timedOut, "\(what): connecting took longer than the connect timeout (\(detail)); check the network, or raise the connect timeout")
        case CURLE_OPERATION_TIMEDOUT:
            return make(.timedOut, "\(what): no data arrived within the read timeout (\(detail)); the server may be overloaded, or raise the read timeout")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            return make(.tls, "\(what): TLS failed (\(detail)); if the server uses a private or self-signed certificate, give its CA certificate as a PEM file (ca_file)", sent: false)
        case CURLE_SEND_FAIL_REWIND where !request.resendable:
            return make(.connectionLost, "\(what): the connection broke after the request was sent (\(detail)); it was not sent again, as the server may have acted on it", sent: true)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return make(.connectionLost, "\(what): the connection broke (\(detail)); the request may be retried")
        default:
            return make(.other, "\(what): \(detail) (libcurl error \(curlCode))")
        }
    }
}

// The C callbacks: global functions, so no closure context has to cross into C.

private func receiveHeaderLine(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let (total, overflow) = size.multipliedReportingOverflow(by: count)
    guard !overflow, let context else { return 0 }
    if let data {
        Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().headerLine(UnsafeRawBufferPointer(start: data, count: total))
    }
    return total
}

private func receiveBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let (total, overflow) = size.multipliedReportingOverflow(by: count)
    guard !overflow, let context else { return 0 }
    guard let data else { return total }
    let ok = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().bodyBytes(UnsafeRawBufferPointer(start: data, count: total))
    return ok ? total : 0
}

private func sendBody(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let (total, overflow) = size.multipliedReportingOverflow(by: count)
    guard !overflow, let context, let buffer else { return Int(CURL_READFUNC_ABORT) }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.uploadBytes(into: UnsafeMutableRawBufferPointer(start: buffer, count: total)) ?? Int(CURL_READFUNC_ABORT)
}

private func seekBody(_ context: UnsafeMutableRawPointer?, _ offset: curl_off_t, _ origin: Int32) -> Int32 {
    guard let context, origin == SEEK_SET else { return CURL_SEEKFUNC_CANTSEEK }
    let ok = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().seekUpload(to: Int(offset))
    return ok ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_CANTSEEK
}

/// curl_global_init, once per process (a lazy global is initialised exactly once), after OpenSSL has been
/// initialised without its exit-time cleanup.
let curlGlobalInit: CURLcode = {
    _ = openSSLPrepared
    return curl_global_init(Int(CURL_GLOBAL_DEFAULT))
}()

func milliseconds(_ d: Duration) -> Int {
    let (seconds, attoseconds) = d.components
    guard seconds >= 0 else { return 0 }
    let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
    return overflow ? Int.max : Int(clamping: ms) &+ Int(attoseconds / 1_000_000_000_000_000)
}

extension BidirectionalCollection where Element == UInt8 {
    /// Without leading and trailing spaces, tabs, CR and LF.
    var withoutSurroundingSpaces: SubSequence {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}

extension String {
    /// Without leading and trailing spaces, tabs, CR and LF (compared as bytes: "\r\n" is
    /// one Character in Swift).
    var trimmingSpaces: String { String(decoding: utf8.withoutSurroundingSpaces, as: UTF8.self) }
}
