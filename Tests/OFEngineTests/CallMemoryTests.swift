import Foundation
import XCTest
import CMallocInfo

@testable import OFEngine

/// What a finished call costs the engine to hold until its job is dropped: its entry in the call table (stage,
/// outcome, timings, attempts, logs) and its CallResult in the finished job's results. docs/engine.md ("Memory")
/// quotes the figures this prints.
final class CallMemoryTests: XCTestCase {
    static let calls = 100_000
    /// A value of 16 bytes, as a small function returns; its bytes are counted with the call.
    static let value = Array("result-000000000".utf8)

    func testAFinishedCallCostsAFewHundredBytes() {
        let before = heapInUse()
        var table = CallTable(count: Self.calls)
        for call in 0..<Self.calls {
            XCTAssertTrue(table.report(call))
            table.timings[call] = CallTimings(submitted: 1, accepted: 2, workerStart: 3, workerEnd: 4, statusSeen: 5, resultFetched: 6)
            table.attempts[call] = 1
            table.finish(call, .value(Self.value))
        }
        let tableBytes = heapInUse() - before
        let results = table.results()
        let resultBytes = heapInUse() - before - tableBytes
        XCTAssertEqual(results.count, Self.calls)
        XCTAssertEqual(results.last?.outcome, .value(Self.value))

        let perCall = Double(tableBytes) / Double(Self.calls)
        let perResult = Double(resultBytes) / Double(Self.calls)
        print("a finished call holds \(Int(perCall)) bytes in the call table (a 16-byte value included) and \(Int(perResult)) more in the results")
        // bounded: a few hundred bytes each, whatever the job's size; the value's own bytes are the user's
        XCTAssertLessThan(perCall, 320)
        XCTAssertLessThan(perResult, 256)
        withExtendedLifetime((table, results)) {}
    }

    /// Bytes malloc has handed out on this thread's arena (the main one) and in mappings of their own: only what
    /// the test allocates moves it, not pages other threads or earlier tests touched, as resident memory would.
    private func heapInUse() -> Int {
        let info = mallinfo2()
        return Int(info.uordblks + info.hblkhd)
    }
}
