import Foundation
import OFEmulator
import OFEngine
import XCTest

/// The large jobs: thousands of calls, every result in input order and counted once, with and without
/// a service that refuses 30 % of the invocations.
final class EngineScaleTests: XCTestCase {
    func testTenThousandDetachedCallsAndTwoThousandSyncCalls() async throws {
        let fixture = try await EngineFixture.start()
        addTeardownBlock { await fixture.stop() }
        let engine = try fixture.engine()

        let detachedInputs = numberedInputs(10_000)
        let detached = try engine.map(function: fixture.worker.id, inputs: detachedInputs, options: MapOptions(maxWorkers: 32, chunksize: 10))
        let detachedFinished = await detached.finished(within: .seconds(300))
        XCTAssertTrue(detachedFinished, "10,000 detached calls did not finish in 5 minutes: \(detached.progress)")
        assertEchoed(detached, inputs: detachedInputs)
        XCTAssertEqual(detached.stats.invocations, 1_000 + detached.stats.throttles, "each invocation sent once, or again after a 429")
        XCTAssertEqual(detached.stats.accepted, 1_000, "each invocation accepted once")
        XCTAssertEqual(detached.stats.duplicates, 0)

        let syncInputs = numberedInputs(2_000)
        let sync = try engine.map(function: fixture.worker.id, inputs: syncInputs, options: MapOptions(mode: .sync, maxWorkers: 32))
        let syncFinished = await sync.finished(within: .seconds(300))
        XCTAssertTrue(syncFinished, "2,000 sync calls did not finish in 5 minutes: \(sync.progress)")
        assertEchoed(sync, inputs: syncInputs)
        XCTAssertEqual(sync.stats.invocations, 2_000)
        XCTAssertEqual(sync.stats.accepted, 2_000)
        print("10,000 detached calls: \(detached.stats); 2,000 sync calls: \(sync.stats)")
    }

    func testJobsCompleteWhenThirtyPercentOfInvocationsAreRefused() async throws {
        let fixture = try await EngineFixture.start(faults: FaultSettings(tooManyRequests: 0.2, serverErrors: 0.25, seed: 5))
        addTeardownBlock { await fixture.stop() }
        let engine = try fixture.engine()
        for mode in InvokeMode.allCases {
            let inputs = numberedInputs(600)
            let job = try engine.map(function: fixture.worker.id, inputs: inputs, options: MapOptions(mode: mode, maxWorkers: 32, chunksize: 2, retries: 10))
            let jobFinished = await job.finished(within: .seconds(300))
            XCTAssertTrue(jobFinished, "\(mode) job did not finish: \(job.progress)")
            assertEchoed(job, inputs: inputs)
            let stats = job.stats
            // 20 % 429 and 10 % 503 come back as throttles (about 150 over 500 sends); 10 % 500 as retried failures
            XCTAssertGreaterThan(stats.throttles, 300 * 20 / 100, "\(mode): \(stats)")
            XCTAssertGreaterThan(stats.retries, 300 * 5 / 100, "\(mode): \(stats)")
            XCTAssertEqual(stats.invocations, 300 + stats.throttles + stats.retries, "\(mode): every invocation is a first send, a throttle retry or a failure retry")
            XCTAssertEqual(stats.accepted, 300, "\(mode): refused and failed sends are not counted as accepted")
            XCTAssertLessThan(stats.lowestConcurrency, 32, "\(mode): the refusals lowered the concurrency")
            print("\(mode) with refusals: \(stats)")
        }
    }
}
