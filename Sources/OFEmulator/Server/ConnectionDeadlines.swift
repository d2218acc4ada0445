import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Where one connection stands, and so when it must be closed if the client sends nothing more: the header, body
/// and keep-alive timeouts of `ConnectionLimits`, and the short linger after an answer that closes the connection.
/// While the emulator is answering a request, no deadline runs.
struct ConnectionClock: Equatable {
    enum Phase: Equatable {
        /// Between requests (or before the first): keep-alive.
        case awaitingRequest
        /// Some bytes of a request have come, its head is not complete.
        case readingHead
        /// The head has come, the body (or its end) has not.
        case readingBody
        /// The answer that closes the connection is sent; what the client still sends is read and dropped.
        case lingering
    }

    enum Expiry: Equatable {
        case idle, header, body, linger
    }

    /// How long a closing connection keeps reading (and dropping) what the client sends, so that a client still
    /// sending a refused body reads the answer rather than a reset.
    static let linger = TimeAmount.seconds(2)

    private(set) var phase = Phase.awaitingRequest
    /// When the phase began; in `readingBody`, when the last byte came.
    private(set) var since: NIODeadline
    /// Requests whose answer has not been sent in full.
    private(set) var answersPending = 0

    init(now: NIODeadline) {
        self.since = now
    }

    mutating func bytesArrived(at now: NIODeadline) {
        switch self.phase {
        case .awaitingRequest: (self.phase, self.since) = (.readingHead, now)
        case .readingBody: self.since = now
        case .readingHead, .lingering: break
        }
    }

    mutating func headRead(at now: NIODeadline) {
        self.answersPending += 1
        if self.phase != .lingering { (self.phase, self.since) = (.readingBody, now) }
    }

    mutating func bodyRead(at now: NIODeadline) {
        if self.phase == .readingBody { self.since = now }
    }

    mutating func endRead(at now: NIODeadline) {
        if self.phase == .readingBody { (self.phase, self.since) = (.awaitingRequest, now) }
    }

    mutating func answerSent(at now: NIODeadline) {
        self.answersPending = max(0, self.answersPending - 1)
        if self.phase == .awaitingRequest { self.since = now }
    }

    mutating func outputClosed(at now: NIODeadline) {
        (self.phase, self.since) = (.lingering, now)
    }

    /// When the connection is closed if nothing happens first, and why; nil while the emulator is answering.
    func deadline(_ limits: ConnectionLimits) -> (at: NIODeadline, expiry: Expiry)? {
        switch self.phase {
        case .awaitingRequest: self.answersPending == 0 ? (self.since + TimeAmount(limits.idleTimeout), .idle) : nil
        case .readingHead: self.answersPending == 0 ? (self.since + TimeAmount(limits.headerTimeout), .header) : nil
        case .readingBody: (self.since + TimeAmount(limits.bodyTimeout), .body)
        case .lingering: (self.since + Self.linger, .linger)
        }
    }
}

/// Signals `RequestBytesArrived` for every read, before the HTTP decoder: a request's head is only seen once
/// complete, and the header timeout runs from its first byte.
final class RequestBytesSignal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(RequestBytesArrived())
        context.fireChannelRead(data)
    }
}

struct RequestBytesArrived {}

/// Applies `ConnectionClock`'s deadlines to a connection: closes it when a client is too slow to send a head, lets
/// a body stall, or stays idle; and closes it after an answer that says `Connection: close`.
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private var clock = ConnectionClock(now: .now())
    private var timer: (task: Scheduled<Void>, at: NIODeadline)?
    private var closesAfterAnswer = false

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.reschedule(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.cancelTimer()
    }

    func channelActive(context: ChannelHandlerContext) {
        self.reschedule(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.cancelTimer()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is RequestBytesArrived else { return context.fireUserInboundEventTriggered(event) }
        self.clock.bytesArrived(at: .now())
        self.reschedule(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head: self.clock.headRead(at: .now())
        case .body: self.clock.bodyRead(at: .now())
        case .end: self.clock.endRead(at: .now())
        }
        self.reschedule(context)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational:
            self.closesAfterAnswer = self.closesAfterAnswer || head.headerFields[.connection]?.lowercased() == "close"
            context.write(data, promise: promise)
        case .head, .body:
            context.write(data, promise: promise)
        case .end:
            self.clock.answerSent(at: .now())
            context.write(data, promise: promise)
            if self.closesAfterAnswer {
                self.closeOutput(context)
            } else {
                self.reschedule(context)
            }
        }
    }

    /// Sends what is written so far, then half-closes: the client reads the answer and an end of stream, while
    /// what it still sends is read and dropped until it closes or the linger ends.
    private func closeOutput(_ context: ChannelHandlerContext) {
        context.flush()
        context.close(mode: .output, promise: nil)
        self.clock.outputClosed(at: .now())
        self.reschedule(context)
    }

    private func reschedule(_ context: ChannelHandlerContext) {
        guard let (deadline, _) = self.clock.deadline(self.limits) else { return self.cancelTimer() }
        // a timer due before the deadline only re-checks; one due after it would be late
        if let timer = self.timer, timer.at <= deadline { return }
        self.cancelTimer()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            self.timer = nil
            self.expire(context)
        }
        self.timer = (task, deadline)
    }

    private func expire(_ context: ChannelHandlerContext) {
        guard let (deadline, expiry) = self.clock.deadline(self.limits) else { return }
        guard deadline <= .now() else { return self.reschedule(context) }
        switch expiry {
        case .header:
            // nothing of an answer is under way, so the client can be told why
            let error = OCIError(status: .requestTimeout, code: "RequestTimeout", message: "The request's head did not arrive within \(self.limits.headerTimeout); send the request line and headers at once.")
            let body = error.body
            let head = HTTPResponse(status: error.status, headerFields: [.connection: "close", .contentType: Responses.jsonContentType, .contentLength: String(body.count)])
            context.write(self.wrapOutboundOut(.head(head)), promise: nil)
            context.write(self.wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
            context.write(self.wrapOutboundOut(.end(nil)), promise: nil)
            self.closeOutput(context)
        case .idle, .body, .linger:
            context.close(promise: nil)
        }
    }

    private func cancelTimer() {
        self.timer?.task.cancel()
        self.timer = nil
    }
}
