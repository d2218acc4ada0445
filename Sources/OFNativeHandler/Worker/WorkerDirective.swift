import Foundation
import OFEngine

/// What the native worker does with one input: echo it, unless it starts with a directive that tests use to
/// make a call slow, fail, answer big or crash (docs/emulator.md, "The native worker").
enum WorkerDirective: Equatable {
    /// Answer the input itself.
    case echo([UInt8])
    /// `!sleep <ms> <rest>`: wait, then answer `<rest>`.
    case sleep(milliseconds: Int, rest: [UInt8])
    /// `!fail <message>`: the call raises `RequestedFailure` with the message.
    case fail(String)
    /// `!large <bytes>`: answer that many bytes, byte i being i mod 256.
    case large(Int)
    /// `!crash`: the worker process exits mid-call, as a crashing function's container does.
    case crash

    init(input: [UInt8]) {
        guard input.first == UInt8(ascii: "!") else {
            self = .echo(input)
            return
        }
        let text = String(decoding: input, as: UTF8.self)
        let words = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        switch words.first {
        case "!sleep":
            guard words.count >= 2, let milliseconds = Int(words[1]), milliseconds >= 0 else {
                self = .fail("!sleep needs a number of milliseconds: !sleep <ms> <rest>")
                return
            }
            self = .sleep(milliseconds: milliseconds, rest: words.count > 2 ? Array(words[2].utf8) : [])
        case "!fail":
            self = .fail(words.dropFirst().joined(separator: " "))
        case "!large":
            guard words.count >= 2, let count = Int(words[1]), (0...(1 << 30)).contains(count) else {
                self = .fail("!large needs a number of bytes up to 1 GiB: !large <bytes>")
                return
            }
            self = .large(count)
        case "!crash":
            self = .crash
        default:
            self = .echo(input)
        }
    }

    /// Runs the call: its output, or the error it raises.
    func run() async -> Result<[UInt8], FunctionError> {
        switch self {
        case .echo(let bytes):
            return .success(bytes)
        case .sleep(let milliseconds, let rest):
            try? await Task.sleep(for: .milliseconds(milliseconds))
            return .success(rest)
        case .fail(let message):
            return .failure(FunctionError(type: "RequestedFailure", message: message))
        case .large(let count):
            return .success((0..<count).map { UInt8(truncatingIfNeeded: $0) })
        case .crash:
            NativeHandler.log("worker: crashing as asked", to: .standardError)
            exit(3)
        }
    }
}
