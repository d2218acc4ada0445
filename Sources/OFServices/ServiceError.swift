import OFTransport

/// An error answer from an OCI service: its HTTP status, OCI error code, message and
/// opc-request-id (quote it to Oracle support).
public struct ServiceError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The operation, e.g. "GetObject".
    public let operation: String
    public let httpStatus: Int
    /// OCI's error code, e.g. "ObjectNotFound"; "" when the answer had none (HEAD answers have no body).
    public let code: String
    public let message: String
    public let opcRequestId: String
    /// How many attempts were made before giving up.
    public let attempts: Int

    public init(operation: String, httpStatus: Int, code: String, message: String, opcRequestId: String, attempts: Int = 1) {
        self.operation = operation
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
        self.opcRequestId = opcRequestId
        self.attempts = attempts
    }

    /// Reads OCI's `{"code": ..., "message": ...}` error body.
    init(operation: String, response: HTTPResponse, requestId: String) {
        let body = OCIJSON.errorBody(response.body)
        self.init(
            operation: operation, httpStatus: response.status, code: body?.code ?? "",
            message: body?.message ?? String(decoding: response.body.prefix(500), as: UTF8.self),
            opcRequestId: response.headers["opc-request-id"] ?? requestId, attempts: response.attempts)
    }

    public var description: String {
        var text = "\(operation) failed: HTTP \(httpStatus)"
        if !code.isEmpty { text += " \(code)" }
        if !message.isEmpty { text += ": \(message)" }
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        text += ". " + hint
        if !opcRequestId.isEmpty { text += " (opc-request-id \(opcRequestId))" }
        return text
    }

    private var hint: String {
        switch httpStatus {
        case 401: "Check user, tenancy, fingerprint and key_file in the oracle section, and that this machine's clock is right."
        case 403: "The user lacks a policy allowing this; ask the tenancy administrator."
        case 404: "Check the name or OCID, the region and the compartment, and that a policy lets the user see it."
        case 409: "The resource already exists or is busy; check its state and try again."
        case 412: "The resource changed since it was read; read it again."
        case 413: "The request is larger than the service accepts."
        case 429: "The service is throttling: lower max_workers or try again later."
        case 500...599: "The service failed; try again later."
        default: "See the OCI documentation for this error code."
        }
    }
}

/// A problem found on this side before or after talking to the service.
public struct ClientError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// An argument the service would refuse (an empty name, a negative range).
        case invalidArgument
        /// A payload over the service's limit, refused before sending.
        case payloadTooLarge
        /// Waiting for a state took longer than allowed.
        case timedOut
        /// The service answered something that could not be read.
        case unexpectedResponse
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
