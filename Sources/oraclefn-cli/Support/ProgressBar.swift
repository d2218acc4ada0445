import Foundation
import OFLocking

/// A one-line bar on stderr, redrawn in place at most ten times a second. It draws only when stderr is a
/// terminal, so logs and pipes never see it.
final class ProgressBar: Sendable {
    enum Unit: Sendable { case items, bytes }

    private struct State {
        var done = 0
        var lastDraw: ContinuousClock.Instant?
    }

    private let title: String
    private let total: Int
    private let unit: Unit
    private let enabled: Bool
    private let state = Locked(State())
    private static let width = 30

    init(_ title: String, total: Int, unit: Unit = .items, enabled: Bool = Console.stderrIsTerminal) {
        self.title = title
        self.total = max(0, total)
        self.unit = unit
        self.enabled = enabled
    }

    func advance(by count: Int = 1) {
        guard enabled else { return }
        let line: String? = state.withLock { state in
            state.done = min(total, state.done + count)
            let now = ContinuousClock.now
            if let last = state.lastDraw, now - last < .milliseconds(100), state.done < total { return nil }
            state.lastDraw = now
            return render(state.done)
        }
        if let line { FileHandle.standardError.write(Data(("\r" + line).utf8)) }
    }

    /// Draws the bar full and ends its line.
    func finish() {
        guard enabled else { return }
        let line: String = state.withLock { state in
            state.done = total
            return render(total)
        }
        FileHandle.standardError.write(Data(("\r" + line + "\n").utf8))
    }

    private func render(_ done: Int) -> String {
        let share = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int(share * Double(Self.width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: Self.width - filled)
        let counts = unit == .bytes ? "\(Console.bytes(done)) / \(Console.bytes(total))" : "\(done)/\(total)"
        return "\(title) [\(bar)] \(Int(share * 100))% \(counts)"
    }
}
