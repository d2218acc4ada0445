import Glibc
import OFLocking

/// The clocks the engine reads: monotonic seconds for its own deadlines, wall-clock seconds since the epoch
/// for the timings it reports (workers report theirs on the same scale).
public struct EngineClock: Sendable {
    public var monotonic: @Sendable () -> Double
    public var wall: @Sendable () -> Double

    public init(monotonic: @escaping @Sendable () -> Double, wall: @escaping @Sendable () -> Double) {
        self.monotonic = monotonic
        self.wall = wall
    }

    public static let system = EngineClock(monotonic: MonotonicTime.now) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
