import Foundation
import OFLocking

/// Faults the emulator injects into invoke calls, to exercise a client's retries and error handling.
/// Shares are probabilities in 0...1 drawn from a generator seeded with `seed`, so a run is repeatable.
///
/// Written as a spec `429=0.1,5xx=0.05,latency=200ms,kill=0.02,drop=0.01,seed=7` (the `--faults` flag and
/// `ORACLEFN_EMULATOR_FAULTS`); see docs/emulator.md, "Fault injection".
public struct FaultSettings: Sendable, Equatable {
    /// Share of calls answered 429 TooManyRequests before they run.
    public var tooManyRequests: Double = 0
    /// Share of calls answered 500 InternalServerError or 503 FunctionInvokeServiceUnavailable (half each).
    public var serverErrors: Double = 0
    /// Added before each call reaches its handler.
    public var latency: Duration = .zero
    /// Share of calls whose handler is killed while it runs them (502, the next call gets a fresh handler).
    public var killedHandlers: Double = 0
    /// Share of calls whose caller's connection is closed without an answer (the call still runs).
    public var droppedConnections: Double = 0
    public var seed: UInt64 = 0

    public init(
        tooManyRequests: Double = 0, serverErrors: Double = 0, latency: Duration = .zero,
        killedHandlers: Double = 0, droppedConnections: Double = 0, seed: UInt64 = 0
    ) {
        self.tooManyRequests = tooManyRequests
        self.serverErrors = serverErrors
        self.latency = latency
        self.killedHandlers = killedHandlers
        self.droppedConnections = droppedConnections
        self.seed = seed
    }

    /// No faults.
    public static let none = FaultSettings()

    /// Parses a spec such as `429=0.1,5xx=0.05,latency=200ms,kill=0.02,drop=0.01,seed=7`; missing keys stay 0.
    public init(spec: String) throws(FaultSettingsError) {
        for item in spec.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else {
                throw FaultSettingsError(message: "fault setting '\(item)' is not key=value; write e.g. 429=0.1,5xx=0.05,latency=200ms,kill=0.02,drop=0.01,seed=7.")
            }
            let (key, value) = (parts[0], parts[1])
            switch key {
            case "429": tooManyRequests = try Self.share(key, value)
            case "5xx": serverErrors = try Self.share(key, value)
            case "kill": killedHandlers = try Self.share(key, value)
            case "drop": droppedConnections = try Self.share(key, value)
            case "latency": latency = try Self.duration(key, value)
            case "seed":
                guard let number = UInt64(value) else {
                    throw FaultSettingsError(message: "fault setting seed=\(value) is not a whole number; write e.g. seed=7.")
                }
                seed = number
            default:
                throw FaultSettingsError(message: "unknown fault setting '\(key)'; the keys are 429, 5xx, latency, kill, drop and seed.")
            }
        }
    }

    /// The settings from `ORACLEFN_EMULATOR_FAULTS`, or none when it is unset.
    public init(environment: [String: String]) throws(FaultSettingsError) {
        guard let spec = environment["ORACLEFN_EMULATOR_FAULTS"], !spec.isEmpty else {
            self.init()
            return
        }
        try self.init(spec: spec)
    }

    private static func share(_ key: String, _ value: String) throws(FaultSettingsError) -> Double {
        guard let number = Double(value), (0...1).contains(number) else {
            throw FaultSettingsError(message: "fault setting \(key)=\(value) is not a share between 0 and 1; write e.g. \(key)=0.1.")
        }
        return number
    }

    private static func duration(_ key: String, _ value: String) throws(FaultSettingsError) -> Duration {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1)]
        for unit in units where value.hasSuffix(unit.suffix) {
            if let number = Double(value.dropLast(unit.suffix.count)), number >= 0, number.isFinite {
                return .milliseconds(Int64((number * unit.seconds * 1000).rounded()))
            }
        }
        throw FaultSettingsError(message: "fault setting \(key)=\(value) is not a duration; write e.g. \(key)=200ms or \(key)=1.5s.")
    }
}

public struct FaultSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The fault, if any, chosen for one call.
enum InjectedFault: Sendable, Equatable {
    case tooManyRequests
    case internalServerError
    case serviceUnavailable
    case killHandler
    case dropConnection
}

/// Draws the faults for successive calls from the seeded generator; safe to share between calls.
final class FaultInjector: Sendable {
    let settings: FaultSettings
    private let generator: Locked<SplitMix64>

    init(_ settings: FaultSettings) {
        self.settings = settings
        self.generator = Locked(SplitMix64(seed: settings.seed))
    }

    /// One draw per call, in a fixed order, so a seed gives the same sequence of faults every run.
    func nextFault() -> InjectedFault? {
        let (first, second, third) = generator.withLock { generator in
            (generator.nextUnit(), generator.nextUnit(), generator.nextUnit())
        }
        if first < settings.tooManyRequests { return .tooManyRequests }
        if second < settings.serverErrors {
            return second < settings.serverErrors / 2 ? .internalServerError : .serviceUnavailable
        }
        // drop and kill share the third draw: a call is dropped or killed, never both
        if third < settings.droppedConnections { return .dropConnection }
        if third < settings.droppedConnections + settings.killedHandlers { return .killHandler }
        return nil
    }
}

/// A small, well-known generator (Steele, Lea and Flood's SplitMix64): repeatable from a seed on every platform.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<1 from the top 53 bits.
    mutating func nextUnit() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }
}
