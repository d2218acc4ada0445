// The fixed 202 responder of bench/invoke_bench.py: a stand-in for Oracle Functions that costs next to
// nothing, so a benchmark measures its client. It answers every InvokeFunction at once with 202 and a
// Fn-Call-Id, and GetFunction with an ACTIVE function invoked here (how the engine finds where to invoke).
// Signatures are not checked and nothing runs.
//
//   oraclefn-bench-responder [PORT]    (default 0: a free port)
//
// Binds 127.0.0.1, prints "listening on http://127.0.0.1:PORT" as its first line, serves until SIGINT or
// SIGTERM, then prints "invocations: N".
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

final class InvocationCounter: Sendable {
    private let count = Atomic<UInt64>(0)

    /// Counts one more invocation and returns its number, from 1.
    func next() -> UInt64 { count.add(1, ordering: .relaxed).newValue }

    var total: UInt64 { count.load(ordering: .relaxed) }
}

/// Functions API versions the clients use: the engine's and the current oci Python SDK's.
let apiVersions = ["20181201", "20260325"]
let callIdField = HTTPField.Name("Fn-Call-Id") ?? .contentLocation
let requestIdField = HTTPField.Name("opc-request-id") ?? .contentLocation

func router(counter: InvocationCounter) -> Router<BasicRequestContext> {
    let router = Router()
    for version in apiVersions {
        router.post(RouterPath("\(version)/functions/:functionId/actions/invoke")) { request, _ -> Response in
            // read the body, as a real service does, so the client's whole request is sent
            _ = try await request.body.collect(upTo: 6 * 1024 * 1024)
            var headers: HTTPFields = [.contentLength: "0", callIdField: "BENCH\(counter.next())"]
            headers[requestIdField] = request.headers[requestIdField] ?? "BENCH"
            return Response(status: .accepted, headers: headers)
        }
        router.get(RouterPath("\(version)/functions/:functionId")) { request, context -> Response in
            let id = context.parameters.get("functionId") ?? "ocid1.fnfunc.oc1..bench"
            let endpoint = "http://\(request.head.authority ?? "127.0.0.1")"
            let function: [String: Any] = [
                "id": id, "displayName": "bench-noop", "applicationId": "ocid1.fnapp.oc1..bench",
                "compartmentId": "ocid1.compartment.oc1..bench", "lifecycleState": "ACTIVE",
                "image": "oraclefn/echo:bench", "memoryInMBs": 128, "timeoutInSeconds": 30, "invokeEndpoint": endpoint,
            ]
            let body = try JSONSerialization.data(withJSONObject: function)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
    return router
}

let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 0
let counter = InvocationCounter()
var logger = Logger(label: "oraclefn.bench.responder")
logger.logLevel = .error
let application = Application(
    router: router(counter: counter),
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
    onServerRunning: { channel in
        // unbuffered, so a script reads the line at once
        FileHandle.standardOutput.write(Data("listening on http://127.0.0.1:\(channel.localAddress?.port ?? 0)\n".utf8))
    },
    logger: logger)
do {
    try await application.runService()
    print("invocations: \(counter.total)")
} catch {
    FileHandle.standardError.write(Data("oraclefn-bench-responder: cannot serve on 127.0.0.1:\(port): \(error)\n".utf8))
    exit(1)
}
