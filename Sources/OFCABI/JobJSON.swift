// Job options in, call details and statistics out, as JSON text.
import OFConfig
import OFEngine

enum JobOptionsJSON {
    static let keys = [
        "mode", "format", "max_workers", "chunksize", "call_timeout", "execution_timeout", "at_least_once", "retries",
        "throttle_retries", "bucket", "jobs_prefix",
    ]

    static func parse(_ text: String?) throws -> MapOptions {
        var options = MapOptions()
        guard let text else { return options }
        let value: ConfigValue
        do { value = try ConfigValue(json: text) } catch {
            throw CError.invalid("options_json is not valid JSON; pass an object such as {\"mode\": \"sync\", \"max_workers\": 50}")
        }
        guard let entries = value.mapEntries else { throw CError.invalid("options_json is not a JSON object") }
        for (key, v) in entries {
            switch key {
            case "mode":
                guard case .string(let s) = v, let mode = InvokeMode(rawValue: s) else {
                    throw CError.invalid("option \"mode\" must be \"detached\" or \"sync\"")
                }
                options.mode = mode
            case "format":
                switch v {
                case .string("envelope"): options.format = .envelope
                case .string("raw"): options.format = .rawBody
                default: throw CError.invalid("option \"format\" must be \"envelope\" or \"raw\"")
                }
            case "max_workers": options.maxWorkers = try positive(v, key)
            case "chunksize": options.chunksize = try positive(v, key)
            case "retries": options.retries = try count(v, key)
            case "throttle_retries": options.throttleRetries = try count(v, key)
            case "call_timeout": options.callTimeout = try seconds(v, key)
            case "execution_timeout": options.executionTimeout = try seconds(v, key)
            case "at_least_once":
                guard case .bool(let b) = v else { throw CError.invalid("option \"at_least_once\" must be true or false") }
                options.atLeastOnce = b
            case "bucket": options.bucket = try nonEmpty(v, key)
            case "jobs_prefix": options.jobsPrefix = try nonEmpty(v, key)
            default:
                throw CError.invalid("unknown option \"\(key)\"; the options are \(keys.joined(separator: ", "))")
            }
        }
        return options
    }

    private static func seconds(_ v: ConfigValue, _ key: String) throws -> Duration {
        let seconds: Double
        switch v {
        case .int(let n): seconds = Double(n)
        case .double(let d): seconds = d
        default: throw CError.invalid("option \"\(key)\" must be a number of seconds")
        }
        guard seconds > 0, seconds <= 86_400 else {
            throw CError.invalid("option \"\(key)\" is \(seconds); give 0 < seconds <= 86400")
        }
        return .milliseconds(Int64(seconds * 1000))
    }

    private static func count(_ v: ConfigValue, _ key: String) throws -> Int {
        guard case .int(let n) = v, n >= 0 else { throw CError.invalid("option \"\(key)\" must be a whole number >= 0") }
        return n
    }

    private static func positive(_ v: ConfigValue, _ key: String) throws -> Int {
        guard case .int(let n) = v, n >= 1 else { throw CError.invalid("option \"\(key)\" must be a whole number >= 1") }
        return n
    }

    private static func nonEmpty(_ v: ConfigValue, _ key: String) throws -> String {
        guard case .string(let s) = v, !s.isEmpty else { throw CError.invalid("option \"\(key)\" must be a non-empty string") }
        return s
    }
}

enum JobJSON {
    static func call(_ r: CallResult) -> ConfigValue {
        var fields: [(String, ConfigValue)] = [
            ("call_id", .string(r.callId)), ("index", .int(r.index)), ("ok", .bool(r.outcome.isValue)),
        ]
        switch r.outcome {
        case .value: break
        case .functionError(let e):
            fields.append(("error", .map([
                ("type", .string(e.type)), ("message", .string(e.message)),
                ("traceback", e.traceback.map(ConfigValue.string) ?? .null),
                ("serialized", e.serialized.map(ConfigValue.string) ?? .null),
            ])))
        case .failure(let why): fields.append(("failure", .string(why)))
        }
        let t = r.timings
        let time = { (d: Double?) in d.map(ConfigValue.double) ?? .null }
        fields.append(("attempts", .int(r.attempts)))
        fields.append(("timings", .map([
            ("submitted", time(t.submitted)), ("accepted", time(t.accepted)), ("worker_start", time(t.workerStart)),
            ("worker_end", time(t.workerEnd)), ("status_seen", time(t.statusSeen)),
            ("result_fetched", time(t.resultFetched)),
        ])))
        fields.append(("logs", r.logs.map(ConfigValue.string) ?? .null))
        return .map(fields)
    }

    static func stats(_ s: JobStatistics) -> ConfigValue {
        .map([
            ("total", .int(s.total)), ("succeeded", .int(s.succeeded)), ("function_errors", .int(s.functionErrors)),
            ("failures", .int(s.failures)), ("invocations", .int(s.invocations)), ("accepted", .int(s.accepted)),
            ("retries", .int(s.retries)), ("throttles", .int(s.throttles)), ("duplicates", .int(s.duplicates)),
            ("status_listings", .int(s.statusListings)), ("objects_read", .int(s.objectsRead)),
            ("lowest_concurrency", .int(s.lowestConcurrency)), ("duration", .double(s.duration)),
        ])
    }
}
