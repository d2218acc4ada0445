/// The Object Storage operations a job needs. Implementations retry what is safe to retry and throw an
/// `EngineError` saying what failed.
protocol JobObjects: Sendable {
    /// The namespace the job's bucket lives in.
    func namespace() async throws(EngineError) -> String
    func put(bucket: String, name: String, bytes: [UInt8]) async throws(EngineError)
    /// The object's bytes, or the bytes `range` of it.
    func get(bucket: String, name: String, range: Range<Int>?) async throws(EngineError) -> [UInt8]
    /// Every name under `prefix`, in order, from `start` (inclusive) on; all pages.
    func list(bucket: String, prefix: String, start: String?) async throws(EngineError) -> [String]
}

/// Finds the function a job invokes.
protocol FunctionDirectory: Sendable {
    /// `function` is a function OCID, or the display name of a deployed function (a runtime).
    func target(for function: String) async throws(EngineError) -> FunctionTarget
}
