import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1

/// Outermost middleware: gives every answer an `opc-request-id` (the client's, else a new one), echoes
/// `opc-client-request-id`, and renders every error as OCI does, `{"code": ..., "message": ...}`.
struct OCIResponseMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = request.headers[named: "opc-request-id"] ?? Identifiers.requestID()
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let failure = Self.ociError(for: error)
            if failure.status.kind == .serverError {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(failure)"])
            }
            response = Self.render(failure, for: request)
        }
        response.headers[named: "opc-request-id"] = context.requestID
        if let clientRequestID = request.headers[named: "opc-client-request-id"] {
            response.headers[named: "opc-client-request-id"] = clientRequestID
        }
        return response
    }

    /// Any error as the OCIError a client sees.
    static func ociError(for error: any Error) -> OCIError {
        switch error {
        case let error as OCIError:
            return error
        case let error as HTTPParserError:
            return OCIError.cannotParseRequest("The request is not valid HTTP/1.1 (\(error)): check its Content-Length, or its Transfer-Encoding: chunked framing (hexadecimal chunk sizes, each chunk followed by CRLF, a final 0-size chunk).").closingConnection()
        case let error as HTTPError where error.status == .notFound:
            return .notFound("There is no operation at this path; see docs/emulator.md for the routes the emulator serves.")
        case let error as HTTPError:
            return OCIError(status: error.status, code: error.status.reasonPhrase.replacingOccurrences(of: " ", with: ""), message: error.body ?? error.status.reasonPhrase)
        default:
            return .internalError("The emulator failed to handle the request: \(error)")
        }
    }

    /// The error answer; HEAD answers carry no body.
    static func render(_ error: OCIError, for request: Request) -> Response {
        var headers = HTTPFields()
        if error.closesConnection {
            headers[.connection] = "close"
        }
        guard request.method != .head else { return Response(status: error.status, headers: headers) }
        let body = error.body
        headers[.contentType] = Responses.jsonContentType
        headers[.contentLength] = String(body.count)
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension HTTPFields {
    /// A header by its name as text; names that are not valid tokens read as absent and are never written.
    subscript(named name: String) -> String? {
        get { HTTPField.Name(name).flatMap { self[$0] } }
        set {
            if let field = HTTPField.Name(name) { self[field] = newValue }
        }
    }
}
