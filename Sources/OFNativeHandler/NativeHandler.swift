import Foundation
import Glibc
import Hummingbird
import OFEngine

/// The emulator's built-in function handler: serves the FDK http-stream contract (`POST /call` on the unix
/// socket named by FN_LISTENER) without any language runtime, as an fdk does inside an Oracle Functions container.
/// `oraclefn-fdk <echo|hello|sleep|fail|exit|worker>`; see docs/emulator.md, "Built-in images". The development
/// build's `oraclefn-fdk` program runs it, and so does the oraclefn tool as `oraclefn fdk <behaviour>`: what ships
/// has one binary for both (the shipped `oraclefn-fdk` is scripts/oraclefn-fdk, which runs the tool that way).
public enum NativeHandler {
    /// The tool's hidden command that runs the handler (`oraclefn fdk <behaviour>`).
    public static let toolCommand = "fdk"

    /// Serves calls until the process is stopped; `arguments` are the program's, without its name.
    public static func main(arguments: ArraySlice<String>) async {
        guard arguments.count == 1, let behaviour = arguments.first.flatMap(Behaviour.init(rawValue:)) else {
            fail("usage: oraclefn-fdk <\(Behaviour.allCases.map(\.rawValue).joined(separator: "|"))>", status: 2)
        }
        let environment = ProcessInfo.processInfo.environment
        guard environment["FN_FORMAT"] == "http-stream" else {
            fail("oraclefn-fdk: FN_FORMAT must be http-stream (it is '\(environment["FN_FORMAT"] ?? "")'); run it through the emulator or set it as Oracle Functions does.")
        }
        guard let listener = environment["FN_LISTENER"], listener.hasPrefix("unix:"), listener.count > 5 else {
            fail("oraclefn-fdk: FN_LISTENER must be unix:<path to lsnr.sock> (it is '\(environment["FN_LISTENER"] ?? "")').")
        }
        let socket = Listener(path: String(listener.dropFirst("unix:".count)))
        do {
            try socket.prepare()
            // the server's own messages (start, stop) stay out of the function's logs
            setenv("LOG_LEVEL", "error", 0)
            let router = Router()
            router.post("/call") { request, context in
                try await behaviour.answer(request, context: context, environment: environment)
            }
            let app = Application(
                router: router,
                configuration: ApplicationConfiguration(address: .unixDomainSocket(path: socket.phonyPath)),
                onServerRunning: { _ in socket.publish() }
            )
            try await app.runService()
        } catch {
            fail("oraclefn-fdk: cannot serve on \(socket.path): \(error)")
        }
    }

    /// Writes a line straight to the file (unbuffered), so the emulator's log capture gets it at once.
    static func log(_ line: String, to file: FileHandle) {
        file.write(Data((line + "\n").utf8))
    }

    static func fail(_ message: String, status: Int32 = 1) -> Never {
        log(message, to: .standardError)
        exit(status)
    }
}

/// The socket the contract asks for: bound under another name, opened to the agent (0666), then linked to the
/// FN_LISTENER name, so the agent never sees a socket that is not yet accepting calls (as fdk-go and fdk-python do).
struct Listener: Sendable {
    let path: String
    var phonyPath: String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent("phony" + url.lastPathComponent).path
    }

    func prepare() throws {
        for stale in [path, phonyPath] where FileManager.default.fileExists(atPath: stale) {
            try FileManager.default.removeItem(atPath: stale)
        }
    }

    func publish() {
        _ = chmod(phonyPath, 0o666)
        let target = URL(fileURLWithPath: phonyPath).lastPathComponent
        if symlink(target, path) != 0 {
            NativeHandler.fail("oraclefn-fdk: cannot link \(path) to \(target): \(String(cString: strerror(errno)))")
        }
    }
}

enum Behaviour: String, CaseIterable, Sendable {
    case echo, hello, sleep, fail, exit, worker

    func answer(_ request: Request, context: some RequestContext, environment: [String: String]) async throws -> Response {
        let callId = request.headers.first { $0.name.canonicalName == "fn-call-id" }?.value ?? "unknown"
        let body = try await request.body.collect(upTo: 64 * 1024 * 1024)
        let text = String(buffer: body)
        switch self {
        case .echo:
            NativeHandler.log("echo: \(body.readableBytes) bytes for call \(callId)", to: .standardError)
            let contentType = request.headers[.contentType] ?? "application/octet-stream"
            return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: body))
        case .hello:
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let greeting = Greeting(name: trimmed.isEmpty ? "world" : trimmed, callId: callId, environment: environment)
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: greeting.say() + "\n")))
        case .sleep:
            let seconds = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            NativeHandler.log("sleep: \(seconds) s for call \(callId)", to: .standardError)
            try await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000)))
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "slept \(seconds) s")))
        case .fail:
            NativeHandler.log("fail: failing call \(callId) as asked", to: .standardError)
            return Response(status: .badGateway, headers: [.contentType: "text/plain"],
                            body: .init(byteBuffer: ByteBuffer(string: "oraclefn/fail fails every call")))
        case .exit:
            NativeHandler.log("exit: exiting during call \(callId) as asked", to: .standardError)
            Glibc.exit(3)
        case .worker:
            if let name = Greeting.requestedName(in: body) {
                let answer = Greeting(name: name, callId: callId, environment: environment).answer()
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: answer)))
            }
            return await WorkerEndpoint.answer(body, callId: callId, environment: environment)
        }
    }
}

/// The greeting of `oraclefn hello`: the hello image answers a name with it, a runtime's worker answers the hello
/// request `{"oraclefn": 1, "hello": NAME}` with `{"oraclefn": 1, "greeting": ...}` (docs/protocol.md, "Hello").
struct Greeting {
    let name: String
    let callId: String
    let environment: [String: String]

    private struct Request: Decodable {
        let oraclefn: Int
        let hello: String
    }

    private struct Answer: Encodable {
        let oraclefn = JobProtocol.version
        let greeting: String
    }

    /// The name of a hello request, nil for any other body.
    static func requestedName(in body: ByteBuffer) -> String? {
        (try? JSONDecoder().decode(Request.self, from: Data(Array(buffer: body)))).map { $0.hello }
    }

    /// "Hello, NAME! Ran in ...": where it ran, as the platform describes the function; logged as it is said,
    /// for `logs poll`.
    func say() -> String {
        NativeHandler.log("hello: greeting \(name) for call \(callId)", to: .standardOutput)
        let place = [
            "function \(environment["FN_FN_NAME"] ?? "?") (\(environment["FN_FN_ID"] ?? "?"))",
            "application \(environment["FN_APP_NAME"] ?? "?")",
            "\(environment["FN_MEMORY"] ?? "?") MB",
            "host \(ProcessInfo.processInfo.hostName)",
            "process \(getpid())",
        ]
        return "Hello, \(name)! Ran in \(place.joined(separator: ", "))."
    }

    /// The answer to a hello request.
    func answer() -> [UInt8] { (try? Array(JSONEncoder().encode(Answer(greeting: say())))) ?? [] }
}
