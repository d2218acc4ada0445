import Foundation
import Hummingbird

/// An error answered the way OCI answers it: an HTTP status and a JSON body `{"code": ..., "message": ...}`.
/// Handlers throw it; `OCIResponseMiddleware` renders it (with `opc-request-id`, and no body for HEAD).
public struct OCIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Whether the answer ends the connection (`Connection: close`): for a request whose body was left unread or
    /// could not be parsed, since what follows on the connection is no longer a request's start.
    public private(set) var closesConnection = false

    public init(status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The same error, answered with `Connection: close` when `condition` holds.
    func closingConnection(if condition: Bool = true) -> OCIError {
        var error = self
        error.closesConnection = error.closesConnection || condition
        return error
    }

    public var description: String { "\(self.status.code) \(self.code): \(self.message)" }

    /// The JSON body OCI sends with an error.
    var body: [UInt8] {
        let payload = ["code": self.code, "message": self.message]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(payload)).map { [UInt8]($0) } ?? []
    }
}

// The errors the emulator answers with, worded as OCI words them.
extension OCIError {
    static func notAuthenticated(_ reason: String) -> OCIError {
        OCIError(status: .unauthorized, code: "NotAuthenticated", message: "The required information to complete authentication was not provided or was incorrect: \(reason)")
    }

    static func notAuthorizedOrNotFound(_ what: String) -> OCIError {
        OCIError(status: .notFound, code: "NotAuthorizedOrNotFound", message: "Authorization failed or requested resource not found: \(what).")
    }

    static func notFound(_ message: String) -> OCIError {
        OCIError(status: .notFound, code: "NotFound", message: message)
    }

    static func invalidParameter(_ message: String) -> OCIError {
        OCIError(status: .badRequest, code: "InvalidParameter", message: message)
    }

    static func missingParameter(_ message: String) -> OCIError {
        OCIError(status: .badRequest, code: "MissingParameter", message: message)
    }

    static func cannotParseRequest(_ message: String) -> OCIError {
        OCIError(status: .badRequest, code: "CannotParseRequest", message: message)
    }

    static func relatedResourceNotFound(_ message: String) -> OCIError {
        OCIError(status: .notFound, code: "RelatedResourceNotAuthorizedOrNotFound", message: message)
    }

    static func conflict(_ message: String) -> OCIError {
        OCIError(status: .conflict, code: "Conflict", message: message)
    }

    static func preconditionFailed(_ message: String) -> OCIError {
        OCIError(status: .preconditionFailed, code: "NoEtagMatch", message: message)
    }

    static func internalError(_ message: String) -> OCIError {
        OCIError(status: .internalServerError, code: "InternalServerError", message: message)
    }
}
