import Foundation
import OFConfig
import OFSigning
import OFTransport
import XCTest

@testable import OFEngine

/// The job protocol's names and JSON, the envelopes the engine builds, and how it reads invoke answers.
final class ProtocolTests: XCTestCase {
    func testCallIdsAndJobIds() {
        XCTAssertEqual(JobProtocol.callId(0), "00000")
        XCTAssertEqual(JobProtocol.callId(42), "00042")
        XCTAssertEqual(JobProtocol.callId(123_456), "123456")
        XCTAssertEqual(JobProtocol.callIndex("00042"), 42)
        XCTAssertNil(JobProtocol.callIndex("42"))
        XCTAssertNil(JobProtocol.callIndex("0004x"))
        XCTAssertEqual(JobProtocol.newJobId(random: 0xabc), "0000000000000abc")
        XCTAssertTrue(JobProtocol.isJobId(JobProtocol.newJobId(random: .max)))
        XCTAssertFalse(JobProtocol.isJobId("0000000000000ABC"))
        let layout = JobLayout(jobsPrefix: "jobs", jobId: "0123456789abcdef")
        XCTAssertEqual(layout.status("00007"), "jobs/0123456789abcdef/status/00007.json")
        XCTAssertEqual(layout.callId(ofStatus: "jobs/0123456789abcdef/status/00007.json"), "00007")
        XCTAssertNil(layout.callId(ofStatus: "jobs/0123456789abcdef/status/notes.json"))
        XCTAssertEqual(JobLayout(prefix: "p/x").output("00001"), "p/x/output/00001")
    }

    func testStatusObjectsReadAndWriteAsTheDocumentShowsThem() throws {
        let text = #"""
            {"oraclefn": 1, "job_id": "3f9c0a6e1b2d4c58", "call_id": "00001", "ok": true,
             "output": {"inline": "d29ybGQ="},
             "timings": {"worker_start": 1795566818.802, "function_start": 1795566818.803,
                         "function_end": 1795566818.950, "worker_end": 1795566818.961},
             "worker": {"fn_call_id": "01J", "host": "10.0.0.3", "pid": 1, "cold": true},
             "logs": "..."}
            """#
        let status = try JSONDecoder().decode(CallStatus.self, from: Data(text.utf8))
        XCTAssertEqual(status.output, .inline(Array("world".utf8)))
        XCTAssertEqual(status.timings?.workerEnd, 1795566818.961)
        XCTAssertEqual(status.worker?.cold, true)

        let nothing = CallStatus(jobId: "j", callId: "00000", ok: true, output: nil, error: nil, timings: nil, worker: nil, logs: nil)
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(nothing)) as? [String: Any]
        XCTAssertTrue(encoded?["output"] is NSNull, "a function that returned nothing has \"output\": null")
        XCTAssertNil(encoded?["error"])

        let stored = try JSONDecoder().decode(Payload.self, from: Data(#"{"object": "p/inputs", "offset": 5, "size": 7}"#.utf8))
        XCTAssertEqual(stored, .object(name: "p/inputs", offset: 5, size: 7))
        XCTAssertEqual(try Payload.range(offset: 5, size: 7), 5..<12)
        XCTAssertNil(try Payload.range(offset: nil, size: 7))
        XCTAssertThrowsError(try Payload.range(offset: Int.max, size: 2), "an offset past the largest names no bytes")
        XCTAssertThrowsError(try Payload.range(offset: 3, size: -1))
    }

    func testStoredInputsNameEachInputsBytes() {
        let stored = StoredInputs(object: "p/inputs", offsets: [0, 5, 5, 12])
        XCTAssertEqual(stored.payload(0), .object(name: "p/inputs", offset: 0, size: 5))
        XCTAssertEqual(stored.payload(1), .object(name: "p/inputs", offset: 5, size: 0))
        XCTAssertEqual(stored.payload(2), .object(name: "p/inputs", offset: 5, size: 7))
        XCTAssertNil(stored.payload(3))
        XCTAssertNil(StoredInputs(object: "p/inputs", offsets: [0, 5, 2]).payload(1), "offsets that go back name nothing")
    }

    /// Found by Fuzz/job-protocol: the offsets of a manifest read back from a bucket made the size overflow and trap.
    func testDamagedStoredOffsetsNameNothingInsteadOfTrapping() throws {
        let overflowing = StoredInputs(object: "p/inputs", offsets: [Int.min, Int.max])
        XCTAssertNil(overflowing.payload(0))
        XCTAssertNil(StoredInputs(object: "p/inputs", offsets: [-4, 3]).payload(0), "a negative offset names nothing")
        XCTAssertNil(StoredInputs(object: "p/inputs", offsets: [0, 3]).payload(Int.max))
        XCTAssertNil(StoredInputs(object: "p/inputs", offsets: []).payload(0))

        let attached = InvocationBuilder(
            jobId: "j", mode: .detached, format: .envelope, target: FunctionTarget(id: "ocid1.fnfunc.x", invokeEndpoint: "http://h"),
            inputs: nil, storedInputs: overflowing, storage: nil, callTimeout: .seconds(1))
        XCTAssertThrowsError(try attached.request(calls: [0], attempt: 1, submitted: 0)) { error in
            XCTAssertTrue("\(error)".contains("offsets are damaged"), "\(error)")
        }
    }

    func testEnvelopesInlineSmallInputsAndReferenceTheRest() throws {
        let small = Array("hello".utf8)
        let big = [UInt8](repeating: 1, count: JobProtocol.inlineInputLimit + 1)
        let builder = InvocationBuilder(
            jobId: "0123456789abcdef", mode: .detached, format: .envelope,
            target: FunctionTarget(id: "ocid1.fnfunc.x", invokeEndpoint: "http://127.0.0.1:9/"),
            inputs: [small, big], storedInputs: StoredInputs(object: "p/inputs", offsets: [0, 5, 5 + big.count]),
            storage: StorageLocation(endpoint: nil, namespace: "ns", bucket: "b", prefix: "p/"), callTimeout: .seconds(30))
        let request = try builder.request(calls: [0, 1], attempt: 2, submitted: 1_700_000_000)
        XCTAssertEqual(request.url, "http://127.0.0.1:9/20181201/functions/ocid1.fnfunc.x/actions/invoke")
        XCTAssertEqual(request.headers["fn-invoke-type"], "detached")
        XCTAssertEqual(request.headers["opc-request-id"], "0123456789ABCDEF-00000-2")
        XCTAssertNil(request.readTimeout, "a detached invocation is answered at once")
        guard case .bytes(let body) = request.body else { return XCTFail("the envelope is not in memory") }
        let envelope = try JSONDecoder().decode(Envelope.self, from: Data(body))
        XCTAssertEqual(envelope.calls.map(\.input), [.inline(small), .object(name: "p/inputs", offset: 5, size: big.count)])
        XCTAssertEqual(envelope.storage?.bucket, "b")
        XCTAssertEqual(envelope.submitted, 1_700_000_000)

        // many medium inputs: the envelope stays under its limit, the rest are referenced
        let medium = Array(repeating: 200 * 1024, count: 40)
        let inline = InvocationBuilder.inlined(Array(0..<40)) { medium[$0] }
        XCTAssertEqual(inline.prefix(18), ArraySlice(repeating: true, count: 18))
        XCTAssertTrue(inline.contains(false))
        XCTAssertLessThanOrEqual(inline.filter { $0 }.count * 4 * (200 * 1024 + 2) / 3, JobProtocol.envelopeLimit)
    }

    func testEnvelopeJSONReadsBackAsTheSameEnvelope() throws {
        let awkward = "q\"uote\\back/slash\n\r\t\u{01}\u{1F} é 日本 🙂"
        let envelopes = [
            Envelope(
                jobId: "0123456789abcdef", mode: .detached,
                calls: [
                    EnvelopeCall(callId: "00000", input: .inline(Array("hello".utf8))),
                    EnvelopeCall(callId: "00001", input: .inline([])),
                    EnvelopeCall(callId: "00002", input: .inline([0, 255, 1, 254])),
                    EnvelopeCall(callId: "00003", input: .object(name: "p/" + awkward, offset: 5, size: 7)),
                    EnvelopeCall(callId: "100000", input: .object(name: "whole", offset: nil, size: 0)),
                ],
                storage: StorageLocation(endpoint: "http://127.0.0.1:8080", namespace: "ns", bucket: "b-" + awkward, prefix: awkward),
                submitted: 1_795_566_818.731),
            Envelope(jobId: "j", mode: .sync, calls: [], storage: StorageLocation(endpoint: nil, namespace: "", bucket: "b", prefix: ""),
                     outputInlineLimit: 0, submitted: 0),
            Envelope(jobId: awkward, mode: .sync, calls: [EnvelopeCall(callId: "00000", input: .inline([7]))], storage: nil,
                     submitted: 1e-7),
            Envelope(jobId: "j", mode: .detached, calls: [], storage: StorageLocation(endpoint: nil, namespace: "n", bucket: "b", prefix: "p/"),
                     submitted: 5, attempt: 3, executionTimeout: 2.5),
        ]
        for envelope in envelopes {
            let text = envelope.jsonBytes
            XCTAssertEqual(try JSONDecoder().decode(Envelope.self, from: Data(text)), envelope, String(decoding: text, as: UTF8.self))
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text)) as? [String: Any])
            XCTAssertEqual(object["storage"] == nil, envelope.storage == nil, "no storage key without storage")
            XCTAssertEqual(object["execution_timeout"] == nil, envelope.executionTimeout == nil, "no execution_timeout key without a limit")
        }
        // an envelope of an engine before attempts and execution timeouts reads as a first send without a limit
        let older = #"{"oraclefn":1,"job_id":"j","mode":"sync","calls":[],"output_inline_limit":0,"submitted":0}"#
        let read = try JSONDecoder().decode(Envelope.self, from: Data(older.utf8))
        XCTAssertEqual(read.attempt, 1)
        XCTAssertNil(read.executionTimeout)
        let first = String(decoding: envelopes[0].jsonBytes, as: UTF8.self)
        XCTAssertTrue(first.hasPrefix("{\"oraclefn\":1,\"job_id\":\"0123456789abcdef\",\"mode\":\"detached\",\"calls\":[{\"call_id\":\"00000\",\"input\":{\"inline\":\"aGVsbG8=\"}}"), first)
        XCTAssertTrue(first.contains("\\u0001\\u001f"), "control characters are escaped: \(first)")
        XCTAssertFalse(first.contains("\"offset\":null"), "an absent offset is left out")
    }

    func testAnAttachedJobReferencesEveryInputAndARawJobSendsTheInputItself() throws {
        let target = FunctionTarget(id: "ocid1.fnfunc.x", invokeEndpoint: "http://h")
        let attached = InvocationBuilder(
            jobId: "j", mode: .detached, format: .envelope, target: target, inputs: nil,
            storedInputs: StoredInputs(object: "p/inputs", offsets: [0, 3]), storage: nil, callTimeout: .seconds(1))
        guard case .bytes(let body) = try attached.request(calls: [0], attempt: 1, submitted: 0).body else { return XCTFail("no body") }
        XCTAssertEqual(try JSONDecoder().decode(Envelope.self, from: Data(body)).calls.first?.input, .object(name: "p/inputs", offset: 0, size: 3))

        let raw = InvocationBuilder(
            jobId: "j", mode: .sync, format: .rawBody, target: target, inputs: [Array("world".utf8)], storedInputs: nil, storage: nil,
            callTimeout: .seconds(90))
        let request = try raw.request(calls: [0], attempt: 1, submitted: 0)
        guard case .bytes(let rawBody) = request.body else { return XCTFail("no body") }
        XCTAssertEqual(rawBody, Array("world".utf8))
        XCTAssertEqual(request.readTimeout, .seconds(90), "a sync invocation may run for the call timeout")
        XCTAssertThrowsError(try raw.request(calls: [0, 1], attempt: 1, submitted: 0))
    }

    func testInvokeAnswersAreReadAsTheirStatusAndCodeSay() {
        func answer(_ status: Int, _ code: String? = nil, headers: HTTPHeaders = [:]) -> Result<HTTPResponse, any Error> {
            let body = code.map { Array(#"{"code": "\#($0)", "message": "m"}"#.utf8) } ?? []
            return .success(HTTPResponse(status: status, headers: headers, body: body))
        }
        XCTAssertEqual(InvokeVerdict(answer(202), mode: .detached, format: .envelope), .accepted)
        XCTAssertEqual(InvokeVerdict(answer(200), mode: .sync, format: .envelope), .answered([]))
        XCTAssertEqual(
            InvokeVerdict(answer(429, "TooManyRequests", headers: ["retry-after": "3", "opc-request-id": "R"]), mode: .sync, format: .envelope),
            .throttled(reason: "HTTP 429 TooManyRequests: m (opc-request-id R)", retryAfter: 3))
        guard case .throttled = InvokeVerdict(answer(503, "FunctionInvokeServiceUnavailable"), mode: .detached, format: .envelope) else {
            return XCTFail("503 is a throttle")
        }
        XCTAssertEqual(
            InvokeVerdict(answer(500, "InternalServerError"), mode: .sync, format: .envelope), .notRun(reason: "HTTP 500 InternalServerError: m"),
            "the invoke service failed before the function ran")
        XCTAssertEqual(
            InvokeVerdict(answer(502, "FunctionInvokeExecutionFailed"), mode: .sync, format: .envelope),
            .failed(reason: "HTTP 502 FunctionInvokeExecutionFailed: m"), "a worker that died is tried again")
        XCTAssertEqual(
            InvokeVerdict(answer(502, "FunctionInvokeExecutionFailed"), mode: .sync, format: .rawBody),
            .functionFailed(FunctionError(type: "FunctionInvokeExecutionFailed", message: "m")), "a plain function that failed raised")
        XCTAssertEqual(InvokeVerdict(answer(504, "FunctionInvokeTimeout"), mode: .sync, format: .envelope), .rejected(reason: "HTTP 504 FunctionInvokeTimeout: m"))
        guard case .fatal(let missing) = InvokeVerdict(answer(404, "NotAuthorizedOrNotFound"), mode: .detached, format: .envelope),
              case .fatal(let image) = InvokeVerdict(answer(502, "FunctionInvokeImageNotAvailable"), mode: .detached, format: .envelope),
              case .fatal(let key) = InvokeVerdict(answer(401, "NotAuthenticated"), mode: .detached, format: .envelope)
        else { return XCTFail("404, 401 and deployment problems end the job") }
        XCTAssertEqual(missing.kind, .notFound)
        XCTAssertTrue(image.message.contains("fix its image"), image.message)
        XCTAssertTrue(key.message.contains("check the API key"), key.message)
        let lost = TransportError(kind: .connectionLost, description: "the connection broke", requestSent: true)
        XCTAssertEqual(
            InvokeVerdict(.failure(lost), mode: .sync, format: .envelope), .unanswered(reason: "the invocation got no answer: the connection broke"),
            "the function may run")
        let refused = TransportError(kind: .connectFailed, description: "connection refused", requestSent: false)
        XCTAssertEqual(
            InvokeVerdict(.failure(refused), mode: .detached, format: .envelope), .failed(reason: "the invocation could not be sent: connection refused"),
            "nothing reached the service: sent again like any failed attempt")
        XCTAssertEqual(InvokeVerdict(.failure(TransportError.cancelled), mode: .sync, format: .envelope), .cancelled)
    }

    func testOptionsTakeTheirDefaultsFromTheConfiguration() throws {
        let configuration = try Self.configuration(extra: "  max_workers: 7\n  worker_processes: 2\n  runtime_timeout: 60\n", bucket: "b")
        let spec = try JobSpec.resolve(jobId: "0123456789abcdef", function: "f", start: .new(inputs: []), options: MapOptions(), configuration: configuration)
        XCTAssertEqual(spec.limits.maxWorkers, 7)
        XCTAssertEqual(spec.chunksize, 2)
        XCTAssertEqual(spec.limits.callTimeout, 90, "runtime_timeout + 30 s")
        XCTAssertEqual(spec.limits.retries, MapOptions.minimumDefaultRetries)
        XCTAssertEqual(spec.bucket, "b")
        XCTAssertEqual(spec.layout.prefix, "oraclefn.jobs/0123456789abcdef/")

        let noBucket = try Self.configuration(extra: "", bucket: nil)
        XCTAssertThrowsError(try JobSpec.resolve(jobId: "j", function: "f", start: .new(inputs: []), options: MapOptions(), configuration: noBucket)) { error in
            XCTAssertTrue("\(error)".contains("set storage_bucket in the oracle_oss section"), "\(error)")
        }
        let big = [[UInt8](repeating: 0, count: JobProtocol.inlineInputLimit + 1)]
        XCTAssertThrowsError(try JobSpec.resolve(jobId: "j", function: "f", start: .new(inputs: big), options: MapOptions(mode: .sync), configuration: noBucket))
        XCTAssertNoThrow(try JobSpec.resolve(jobId: "j", function: "f", start: .new(inputs: [[1]]), options: MapOptions(mode: .sync), configuration: noBucket))
        XCTAssertThrowsError(try JobSpec.resolve(jobId: "j", function: "f", start: .new(inputs: []), options: MapOptions(mode: .sync, maxWorkers: 0), configuration: noBucket))
        XCTAssertThrowsError(try JobSpec.resolve(jobId: "j", function: "f", start: .new(inputs: []), options: MapOptions(mode: .sync, format: .rawBody, chunksize: 2), configuration: noBucket))
    }

    private static func configuration(extra: String, bucket: String?) throws -> Configuration {
        let key = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/keys/test2048_private_pkcs8.pem").path
        let fingerprint = try PrivateKey(contentsOfFile: key, passPhrase: nil).fingerprint
        let storage = bucket.map { "oracle_oss:\n  storage_bucket: \($0)\n" } ?? ""
        return try Configuration.parse(yaml: """
            lithops:
              backend: oracle_f
              storage: oracle_oss
            oracle:
              user: ocid1.user.oc1..u
              tenancy: ocid1.tenancy.oc1..t
              fingerprint: \(fingerprint)
              key_file: \(key)
              region: us-ashburn-1
              compartment_id: ocid1.compartment.oc1..c
            oracle_f:
              subnet_id: ocid1.subnet.oc1..s
            \(extra)\(storage)
            """)
    }
}
