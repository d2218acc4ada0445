// The job protocol's JSON (docs/protocol.md) as the engine and the worker read it: envelopes, call statuses, sync
// answers, manifests and dispatch marks. Properties: nothing traps; an envelope that decodes, written out by the
// engine's own encoder (EnvelopeJSON), decodes as the same envelope.
import Foundation
import FuzzSupport
@testable import OFEngine

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJobProtocol(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let (choice, input) = FuzzInput(start, count).selector(6)
    let data = Data(input.bytes)
    let decoder = JSONDecoder()
    switch choice {
    case 0: envelope(data)
    case 1: _ = try? decoder.decode(CallStatus.self, from: data).payloadRange
    case 2: _ = try? decoder.decode(SyncAnswer.self, from: data).results.map(\.payloadRange)
    case 3: manifest(data)
    case 4: roundTrip(DispatchMark.self, data)
    default: names(input.text)
    }
    return 0
}

private func envelope(_ data: Data) {
    guard let envelope = try? JSONDecoder().decode(Envelope.self, from: data) else { return }
    for call in envelope.calls {
        if case .object(_, let offset, let size) = call.input { _ = try? Payload.range(offset: offset, size: size) }
    }
    let written = envelope.jsonBytes
    guard let again = try? JSONDecoder().decode(Envelope.self, from: Data(written)) else {
        return require(false, "the engine's envelope JSON does not decode: \(String(decoding: written, as: UTF8.self))")
    }
    require(again == envelope, "the envelope reads back changed: \(String(decoding: written, as: UTF8.self))")
}

private func manifest(_ data: Data) {
    guard let manifest = roundTrip(JobManifest.self, data), let inputs = manifest.inputs else { return }
    // How a process attaching to the job finds each call's input.
    for index in 0..<min(inputs.offsets.count, 1000) {
        if case .object(_, let offset, let size) = inputs.payload(index) {
            _ = try? Payload.range(offset: offset, size: size)
        }
    }
}

@discardableResult
private func roundTrip<Value: Codable & Equatable>(_ type: Value.Type, _ data: Data) -> Value? {
    guard let value = try? JSONDecoder().decode(type, from: data) else { return nil }
    guard let written = try? JSONEncoder().encode(value), let again = try? JSONDecoder().decode(type, from: written) else {
        require(false, "a decoded \(type) does not encode and decode again")
        return nil
    }
    require(again == value, "a \(type) reads back changed")
    return value
}

/// Call ids, job ids and status object names.
private func names(_ text: String) {
    if let index = JobProtocol.callIndex(text) {
        require(JobProtocol.callIndex(JobProtocol.callId(index)) == index, "the call id \(text) is index \(index), whose id \(JobProtocol.callId(index)) is not")
    }
    if JobProtocol.isJobId(text) {
        let layout = JobLayout(jobId: text)
        require(layout.callId(ofStatus: layout.status(JobProtocol.callId(7))) == JobProtocol.callId(7), "status names of job \(text)")
    }
    _ = JobLayout(prefix: "oraclefn.jobs/j/").callId(ofStatus: text)
}

extension CallStatus {
    /// The byte range an object output names, as the engine reads it.
    fileprivate var payloadRange: Range<Int>?? {
        guard case .object(_, let offset, let size) = output else { return nil }
        return try? Payload.range(offset: offset, size: size)
    }
}
