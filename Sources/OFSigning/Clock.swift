import Glibc

/// Seconds since the Unix epoch from the system clock: the default for the injectable clocks.
@usableFromInline
func currentEpochSeconds() -> Int {
    Int(time(nil))
}
