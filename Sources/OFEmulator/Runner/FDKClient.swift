import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP exchange with a handler, as the Fn agent makes it: `POST /call` over the handler's unix socket.
struct FDKRequest: Sendable {
    var headers: [(String, String)]
    var body: [UInt8]
}

struct FDKResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    /// The first value of a header, by case-insensitive name.
    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

enum FDKClientError: Error, Sendable, Equatable {
    /// Nothing accepted the connection (the handler is gone or not serving).
    case cannotConnect(String)
    /// The connection ended before a whole answer arrived.
    case connectionLost(String)
    /// The answer's body passed the limit.
    case responseTooLarge(limit: Int)
}

/// An HTTP/1.1 client over a unix domain socket, on SwiftNIO's codecs. One connection per call: the handler
/// serves one call at a time, and a fresh connection leaves nothing behind when a call is abandoned.
enum FDKClient {
    static func call(socketPath: String, request: FDKRequest, maxResponseBytes: Int) async throws(FDKClientError) -> FDKResponse {
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw .cannotConnect(String(describing: error))
        }
        do {
            return try await channel.executeThenClose { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/call")
                head.headers.add(name: "Host", value: "localhost")
                for (name, value) in request.headers { head.headers.add(name: name, value: value) }
                head.headers.replaceOrAdd(name: "Content-Length", value: String(request.body.count))
                try await outbound.write(.head(head))
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: request.body))))
                try await outbound.write(.end(nil))

                var responseHead: HTTPResponseHead?
                var body = ByteBuffer()
                for try await part in inbound {
                    switch part {
                    case .head(let received):
                        responseHead = received
                    case .body(var chunk):
                        guard body.readableBytes + chunk.readableBytes <= maxResponseBytes else {
                            throw FDKClientError.responseTooLarge(limit: maxResponseBytes)
                        }
                        body.writeBuffer(&chunk)
                    case .end:
                        guard let responseHead else { throw FDKClientError.connectionLost("an answer ended before its head") }
                        return FDKResponse(
                            status: Int(responseHead.status.code),
                            headers: responseHead.headers.map { ($0.name, $0.value) },
                            body: Array(buffer: body))
                    }
                }
                throw FDKClientError.connectionLost("the connection closed before the answer was complete")
            }
        } catch let error as FDKClientError {
            throw error
        } catch {
            throw .connectionLost(String(describing: error))
        }
    }
}
