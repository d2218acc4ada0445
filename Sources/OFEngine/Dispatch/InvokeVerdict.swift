import FoundationEssentials
import OFTransport

/// What an invoke answer means for the job.
enum InvokeVerdict: Sendable, Equatable {
    /// 202: the detached calls run.
    case accepted
    /// A sync answer's body.
    case answered([UInt8])
    /// A raw-body function failed (502 FunctionInvokeExecutionFailed): the call's function error.
    case functionFailed(FunctionError)
    /// 429 or 503: send again later, with fewer in flight.
    case throttled(reason: String, retryAfter: Double?)
    /// 500: the service did not run it; worth sending again, like a refusal.
    case notRun(reason: String)
    /// Sent, without an answer: it may run.
    case unanswered(reason: String)
    /// Worth another attempt.
    case failed(reason: String)
    /// Final for the invocation's calls.
    case rejected(reason: String)
    /// Final for the whole job: no invocation can succeed (bad credentials, no such function).
    case fatal(EngineError)
    /// The engine cancelled the request itself.
    case cancelled

    init(_ result: Result<HTTPResponse, any Error>, mode: InvokeMode, format: MapOptions.CallFormat) {
        let response: HTTPResponse
        switch result {
        case .failure(let error as TransportError) where error.kind == .cancelled || error.kind == .shutdown:
            self = .cancelled
            return
        case .failure(let error as TransportError) where !error.requestSent:
            self = .failed(reason: "the invocation could not be sent: \(error.description)")
            return
        case .failure(let error as TransportError):
            self = .unanswered(reason: "the invocation got no answer: \(error.description)")
            return
        case .failure(let error as EngineError):
            self = .rejected(reason: error.message)
            return
        case .failure(let error):
            // the request could not be signed: no later attempt would be
            self = .fatal(EngineError(.configuration, "an invocation could not be signed: \(error)"))
            return
        case .success(let answer):
            response = answer
        }
        // read only for an error answer: a 202's empty body would be parsed for nothing
        lazy var error = ServiceAnswer(response)
        switch response.status {
        case 200...299 where mode == .detached:
            self = .accepted
        case 200...299:
            self = .answered(response.body)
        case let status where RetryConfiguration.isThrottle(status: status):
            let retryAfter = response.headers["retry-after"].flatMap { Double($0.filter { !$0.isWhitespace }) }
            self = .throttled(reason: error.summary, retryAfter: retryAfter.map { max(0, min($0, 600)) })
        case 502 where format == .rawBody && error.code == "FunctionInvokeExecutionFailed":
            self = .functionFailed(FunctionError(type: error.code ?? "FunctionInvokeExecutionFailed", message: error.message))
        case 401, 403:
            self = .fatal(EngineError(
                .service, "the service refused the invocation: \(error.summary); check the API key, its fingerprint and the policies that let this user invoke the function",
                httpStatus: response.status, code: error.code, opcRequestId: error.requestId))
        case 404:
            self = .fatal(EngineError(
                .notFound, "the function is not there: \(error.summary); check the function's OCID, or deploy it again",
                httpStatus: response.status, code: error.code, opcRequestId: error.requestId))
        case 413:
            self = .rejected(reason: "the invocation is too large for the service: \(error.summary); give the job a bucket so large inputs go through Object Storage")
        case 500...599 where Self.deploymentProblems.contains(error.code ?? ""):
            self = .fatal(EngineError(
                .service, "the function cannot run: \(error.summary); fix its image or its application's network and deploy it again",
                httpStatus: response.status, code: error.code, opcRequestId: error.requestId))
        case 500...599 where Self.finalAnswers.contains(error.code ?? ""):
            self = .rejected(reason: error.summary)
        case 500:
            // the invoke service failed before the function: 502 and 504 are what a function that ran gives
            self = .notRun(reason: error.summary)
        case 500...599:
            self = .failed(reason: error.summary)
        default:
            self = .rejected(reason: error.summary)
        }
    }
}

extension InvokeVerdict {
    /// 5xx codes saying the function cannot run at all: every invocation would fail the same way.
    static let deploymentProblems: Set<String> = [
        "FunctionInvokeImageNotAvailable", "FunctionInvokeContainerInitFail", "FunctionInvokeSubnetNotAvailable",
        "FunctionInvokeSyslogUnavailable", "FunctionInvokeTooManyMatchingDGs", "FunctionInvokeSecurityAttributeNotAvailable",
        "FunctionInvokeSubnetConfigError",
    ]
    /// 5xx codes another attempt of the same call would meet again: the function ran past its timeout, or
    /// answered what the service cannot relay.
    static let finalAnswers: Set<String> = [
        "FunctionInvokeTimeout", "FunctionInvokeInvalidResponse", "FunctionInvokeResponseBodyTooLarge",
        "FunctionInvokeResponseHeaderTooLarge",
    ]
}

/// An error answer as OCI shapes it: `{"code": ..., "message": ...}` and an opc-request-id header.
struct ServiceAnswer: Sendable, Equatable {
    let status: Int
    let code: String?
    let message: String
    let requestId: String?

    init(_ response: HTTPResponse) {
        struct Body: Decodable {
            var code: String?
            var message: String?
        }
        let body = try? JSONDecoder().decode(Body.self, from: Data(response.body))
        status = response.status
        code = body?.code
        let text = body?.message ?? String(decoding: response.body.prefix(300), as: UTF8.self)
        message = text.isEmpty ? "no message" : text
        requestId = response.headers["opc-request-id"]
    }

    /// "HTTP 429 TooManyRequests: <message> (opc-request-id X)".
    var summary: String {
        let codePart = code.map { " \($0)" } ?? ""
        let idPart = requestId.map { " (opc-request-id \($0))" } ?? ""
        return "HTTP \(status)\(codePart): \(message)\(idPart)"
    }
}
