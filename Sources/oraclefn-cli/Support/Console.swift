import Foundation

/// Where the CLI writes: results on stdout (text or JSON), notes and progress on stderr.
enum Console {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// A remark for the person at the terminal, kept out of stdout so scripts read only results.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// One value as indented JSON with sorted keys.
    static func json(_ value: some Encodable) throws(CLIFailure) {
        line(try jsonText(value, formatting: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
    }

    /// One value as a single line of JSON (JSON Lines, for output that streams).
    static func jsonLine(_ value: some Encodable) throws(CLIFailure) {
        line(try jsonText(value, formatting: [.sortedKeys, .withoutEscapingSlashes]))
    }

    private static func jsonText(_ value: some Encodable, formatting: JSONEncoder.OutputFormatting) throws(CLIFailure) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw .failed("the result could not be written as JSON: \(error)")
        }
    }

    /// Rows under a header, each column as wide as its widest cell.
    static func table(_ header: [String], _ rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        for row in all {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            line(cells.joined(separator: "  "))
        }
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// 1.5 KiB, 12.0 MiB: sizes for people.
    static func bytes(_ count: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}
