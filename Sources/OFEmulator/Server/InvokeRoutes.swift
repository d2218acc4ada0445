import Foundation
import HTTPTypes
import Hummingbird

/// InvokeFunction, `POST /{20181201|20260325}/functions/{functionId}/actions/invoke`, served by the runner.
/// `fn-invoke-type: sync` (the default) answers 200 with the function's body and Content-Type; `detached` answers
/// 202 with an empty body once the call is accepted. Every answer, errors included, names the call in `Fn-Call-Id`
/// (the id its logs are kept under).
struct InvokeRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    let functions: FunctionStore
    let runner: FunctionRunner

    func register(on router: Router<Context>) {
        for version in FunctionsRoutes.apiVersions {
            router.post(RouterPath("\(version)/functions/:functionId/actions/invoke")) { request, context in
                try await self.invoke(request, context)
            }
        }
    }

    private func invoke(_ request: Request, _ context: Context) async throws -> Response {
        guard let rawId = context.parameters.get("functionId") else {
            throw OCIError.missingParameter("The path has no functionId.")
        }
        let functionId = try RequestParts.pathDecode(rawId[...])
        guard let function = await functions.function(id: functionId) else {
            throw OCIError.notAuthorizedOrNotFound("function \(functionId)")
        }
        let detached: Bool
        switch request.headers[named: "fn-invoke-type"]?.lowercased() ?? "sync" {
        case "sync": detached = false
        case "detached": detached = true
        case let other:
            throw OCIError.invalidParameter("fn-invoke-type '\(other)' is not sync or detached.")
        }
        let callId = Self.callID()
        let outcome = await runner.invoke(
            function, body: try await request.bodyBytes(), headers: request.headers.map { ($0.name.rawName, $0.value) },
            callId: callId, requestURL: "http://\(request.head.authority ?? "localhost")\(request.head.path ?? "/")", detached: detached)

        switch outcome {
        case .answered(let answer):
            var headers = HTTPFields()
            for (name, value) in answer.headers { headers[named: name] = value }
            headers[named: "Fn-Call-Id"] = callId
            return Response(status: HTTPResponse.Status(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        case .accepted:
            return Response(status: .accepted, headers: [HTTPField.Name.contentLength: "0", Self.callIdField: callId])
        case .failed(let failure):
            var response = OCIResponseMiddleware.render(
                OCIError(status: HTTPResponse.Status(code: failure.status), code: failure.code, message: failure.message), for: request)
            response.headers[Self.callIdField] = callId
            return response
        case .dropConnection:
            // the call ran; its caller never hears back, as when a connection breaks
            try await context.channel.close()
            return Response(status: .ok)
        }
    }

    private static let callIdField = HTTPField.Name("Fn-Call-Id") ?? .contentLocation

    /// A call id in Fn's form, a ULID: 10 characters of milliseconds, then 16 of randomness, in Crockford base32.
    static func callID(now: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        return base32(milliseconds, digits: 10) + base32(generator.next(), digits: 8) + base32(generator.next(), digits: 8)
    }

    /// The low `digits` five-bit groups of `value`, most significant first.
    private static func base32(_ value: UInt64, digits: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        return String((0..<digits).reversed().map { alphabet[Int((value >> UInt64($0 * 5)) & 0x1F)] })
    }
}
