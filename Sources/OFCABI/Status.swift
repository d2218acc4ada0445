// The one table from Swift errors to C status codes.
import COraclefnTypes
import OFConfig
import OFEngine
import OFServices
import OFSigning
import OFTransport

/// A failure as the C caller sees it.
struct CError: Error {
    var status: ofn_status
    var message: String
    var httpStatus: Int32 = 0
    var code: String = ""
    var requestId: String = ""

    static func invalid(_ message: String) -> CError { CError(status: OFN_EINVALID, message: message) }

    init(status: ofn_status, message: String) {
        self.status = status
        self.message = message
    }

    init(_ error: any Error) {
        switch error {
        case let e as CError: self = e
        case let e as ConfigError: self.init(status: OFN_ECONFIG, message: e.description)
        case let e as SigningError: self.init(status: e.isKeyError ? OFN_EKEY : OFN_ESIGN, message: e.description)
        case let e as CredentialError: self.init(status: e.kind == .configuration ? OFN_ECONFIG : OFN_EAUTH, message: e.description)
        case let e as EngineError:
            self.init(status: Self.status(of: e), message: e.message)
            httpStatus = Int32(clamping: e.httpStatus ?? 0)
            code = e.code ?? ""
            requestId = e.opcRequestId ?? ""
        case let e as ServiceError:
            self.init(status: Self.status(ofHTTP: e.httpStatus), message: e.description)
            httpStatus = Int32(clamping: e.httpStatus)
            code = e.code
            requestId = e.opcRequestId
        case let e as ClientError: self.init(status: Self.status(of: e), message: e.description)
        case let e as TransportError: self.init(status: Self.status(of: e), message: e.description)
        default: self.init(status: OFN_ERROR, message: "internal error: \(error)")
        }
    }
}

extension CError {
    static func status(of e: EngineError) -> ofn_status {
        switch e.kind {
        case .invalidArgument: return OFN_EINVALID
        case .configuration: return OFN_ECONFIG
        case .notFound: return OFN_ENOTFOUND
        case .cancelled: return OFN_ECANCELLED
        case .service: return status(ofHTTP: e.httpStatus)
        }
    }

    static func status(of e: ClientError) -> ofn_status {
        switch e.kind {
        case .invalidArgument: return OFN_EINVALID
        case .payloadTooLarge: return OFN_ETOOLARGE
        case .timedOut: return OFN_ETIMEOUT
        case .unexpectedResponse: return OFN_ESERVICE
        }
    }

    static func status(of e: TransportError) -> ofn_status {
        switch e.kind {
        case .timedOut: return OFN_ETIMEOUT
        case .cancelled: return OFN_ECANCELLED
        case .invalidRequest, .bodySource: return OFN_EINVALID
        case .connectFailed, .tls, .connectionLost, .circuitOpen, .shutdown, .other: return OFN_ENETWORK
        }
    }

    /// The status for an error answer of a service; nil when no answer came.
    static func status(ofHTTP httpStatus: Int?) -> ofn_status {
        switch httpStatus {
        case nil: return OFN_ENETWORK
        case 401, 403: return OFN_EAUTH
        case 404: return OFN_ENOTFOUND
        case 409, 412: return OFN_ECONFLICT
        case 413: return OFN_ETOOLARGE
        case 429: return OFN_ETHROTTLED
        case 502: return OFN_EFUNCTION
        case 504: return OFN_ETIMEOUT
        default: return OFN_ESERVICE
        }
    }
}

/// What a status means, in a few words ("not found"); static, never NULL,
/// never freed. A value this version does not know gives "unknown status".
@c(ofn_status_str)
public func ofnStatusStr(_ status: ofn_status) -> UnsafePointer<CChar> {
    let s: StaticString
    switch status {
    case OFN_OK: s = "ok"
    case OFN_ERROR: s = "internal error"
    case OFN_EINVALID: s = "invalid argument"
    case OFN_ECONFIG: s = "configuration error"
    case OFN_EKEY: s = "private key error"
    case OFN_ESIGN: s = "signing error"
    case OFN_EAUTH: s = "not authenticated or not authorized"
    case OFN_ENOTFOUND: s = "not found"
    case OFN_ECONFLICT: s = "conflict"
    case OFN_ETHROTTLED: s = "throttled"
    case OFN_ESERVICE: s = "service error"
    case OFN_ETIMEOUT: s = "timed out"
    case OFN_ENETWORK: s = "network error"
    case OFN_ECANCELLED: s = "cancelled"
    case OFN_ETOOLARGE: s = "payload too large"
    case OFN_EFUNCTION: s = "function failed"
    case OFN_ECALL: s = "call got no result"
    case OFN_EPENDING: s = "not ended yet"
    default: s = "unknown status"
    }
    return UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
}
