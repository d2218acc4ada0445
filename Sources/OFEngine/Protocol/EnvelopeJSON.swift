// The envelope as JSON, written out directly: it is built for every invocation, and JSONEncoder's generic
// machinery cost a tenth of the engine's CPU per invocation besides RSA. It reads back with JSONDecoder as the
// same Envelope (ProtocolTests).
import FoundationEssentials

extension Envelope {
    /// The envelope's JSON text, in the key order of docs/protocol.md.
    var jsonBytes: [UInt8] {
        var json = JSONText()
        json.raw("{\"oraclefn\":")
        json.integer(oraclefn)
        json.raw(",\"job_id\":")
        json.string(jobId)
        json.raw(",\"mode\":")
        json.string(mode.rawValue)
        json.raw(",\"calls\":[")
        for (position, call) in calls.enumerated() {
            if position > 0 { json.raw(",") }
            json.raw("{\"call_id\":")
            json.string(call.callId)
            json.raw(",\"input\":")
            json.payload(call.input)
            json.raw("}")
        }
        json.raw("]")
        if let storage {
            json.raw(",\"storage\":{")
            if let endpoint = storage.endpoint {
                json.raw("\"endpoint\":")
                json.string(endpoint)
                json.raw(",")
            }
            json.raw("\"namespace\":")
            json.string(storage.namespace)
            json.raw(",\"bucket\":")
            json.string(storage.bucket)
            json.raw(",\"prefix\":")
            json.string(storage.prefix)
            json.raw("}")
        }
        json.raw(",\"output_inline_limit\":")
        json.integer(outputInlineLimit)
        json.raw(",\"submitted\":")
        json.number(submitted)
        json.raw(",\"attempt\":")
        json.integer(attempt)
        if let executionTimeout {
            json.raw(",\"execution_timeout\":")
            json.number(executionTimeout)
        }
        json.raw("}")
        return json.bytes
    }
}

/// JSON text appended piece by piece.
struct JSONText {
    private(set) var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(512)
    }

    /// Text that is already JSON.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func integer(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A finite number as Swift prints it (the shortest text that reads back as the same Double); JSON has no
    /// infinity or NaN, so those are written as null.
    mutating func number(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        bytes.append(contentsOf: value.description.utf8)
    }

    /// A JSON string: quotes, backslashes and control characters escaped, everything else as UTF-8.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case UInt8(ascii: "\n"): raw("\\n")
            case UInt8(ascii: "\r"): raw("\\r")
            case UInt8(ascii: "\t"): raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `{"inline": base64}` or `{"object": name, "offset": n, "size": n}` (offset only when given).
    mutating func payload(_ payload: Payload) {
        switch payload {
        case .inline(let input):
            raw("{\"inline\":\"")
            bytes.append(contentsOf: Data(input).base64EncodedString().utf8)
            raw("\"}")
        case .object(let name, let offset, let size):
            raw("{\"object\":")
            string(name)
            if let offset {
                raw(",\"offset\":")
                integer(offset)
            }
            raw(",\"size\":")
            integer(size)
            raw("}")
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
