import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 connection behind the emulator's guards: connections beyond the caps of `ConnectionLimits`
/// get `503` and are closed at once, and every admitted one runs the header, body and idle deadlines.
struct GuardedHTTP1Channel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let channel: any Channel
        /// nil for a refused connection, which answers and closes by itself.
        let http: HTTP1Channel.Value?
    }

    let limits: ConnectionLimits
    let admission: ConnectionAdmission
    let http1: HTTP1Channel

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits) {
        self.limits = limits
        self.admission = ConnectionAdmission(
            maxTotal: limits.effectiveMaxConnections(descriptorLimit: ConnectionLimits.descriptorLimit()),
            maxPerClient: limits.maxConnectionsPerClient)
        self.http1 = HTTP1Channel(responder: responder, configuration: .init(additionalChannelHandlers: [ConnectionDeadlineHandler(limits: limits)]))
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let client = channel.remoteAddress?.ipAddress ?? "unknown"
        if let refusal = self.admission.admit(client: client) {
            logger.debug("connection refused", metadata: ["client": "\(client)", "reason": "\(refusal.message)"])
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(RefuseConnectionHandler(refusal: refusal))
                return Value(channel: channel, http: nil)
            }
        }
        let admission = self.admission
        channel.closeFuture.whenComplete { _ in admission.release(client: client) }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RequestBytesSignal(), position: .first)
        }.flatMap {
            self.http1.setup(channel: channel, logger: logger)
        }.map { http in
            Value(channel: channel, http: http)
        }
    }

    func handle(value: Value, logger: Logger) async {
        guard let http = value.http else { return }
        await self.http1.handle(value: http, logger: logger)
    }
}

/// The whole life of a refused connection: a `503` saying which cap was hit, then the close.
final class RefuseConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let refusal: ConnectionCounts.Refusal
    private var answered = false

    init(refusal: ConnectionCounts.Refusal) {
        self.refusal = refusal
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.refuse(context)
    }

    private func refuse(_ context: ChannelHandlerContext) {
        guard !self.answered else { return }
        self.answered = true
        let error = OCIError(status: .serviceUnavailable, code: "TooManyConnections", message: self.refusal.message)
        let body = error.body
        var answer = ByteBuffer()
        answer.writeString("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: \(Responses.jsonContentType)\r\nContent-Length: \(body.count)\r\n\r\n")
        answer.writeBytes(body)
        context.writeAndFlush(self.wrapOutboundOut(answer), promise: nil)
        context.close(promise: nil)
    }

    /// What the client sends meanwhile is dropped.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
