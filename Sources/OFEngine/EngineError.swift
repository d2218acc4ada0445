/// Why the engine could not do what it was asked; the message says what was wrong and how to fix it.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// An argument or option is not usable (no inputs for a raw job, chunksize 0 ...).
        case invalidArgument
        /// The configuration lacks something the job needs (a bucket, a namespace).
        case configuration
        /// The function, job or object does not exist.
        case notFound
        /// OCI (or the emulator) answered with an error, or could not be reached.
        case service
        /// The job was cancelled.
        case cancelled
    }

    public let kind: Kind
    public let message: String
    /// The HTTP status and OCI error code of the answer behind a `.service` error, when there was one.
    public let httpStatus: Int?
    public let code: String?
    public let opcRequestId: String?

    public init(_ kind: Kind, _ message: String, httpStatus: Int? = nil, code: String? = nil, opcRequestId: String? = nil) {
        self.kind = kind
        self.message = message
        self.httpStatus = httpStatus
        self.code = code
        self.opcRequestId = opcRequestId
    }

    public var description: String { message }
}
