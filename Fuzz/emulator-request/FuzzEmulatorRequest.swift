// What the emulator reads from a request before any route runs: the signature check of SignatureMiddleware
// (Authorization header, signed headers, date, body digest) and RequestParts' decoding of the path and query.
// Properties: nothing traps; a request the client signer signs, the verifier accepts.
import FuzzSupport
@testable import OFEmulator
@testable import OFSigning

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEmulatorRequest(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let (choice, input) = FuzzInput(start, count).selector(3)
    switch choice {
    case 0: verify(input)
    case 1: signThenVerify(input)
    default: requestParts(input)
    }
    return 0
}

private let now = 1_780_000_000
private let keyId = "ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa:bb"
private let key: PrivateKey = {
    guard let key = try? PrivateKey.generate() else { fatalError("cannot generate an RSA key") }
    return key
}()
private let verifier = SignatureVerifier(keys: [keyId: key.publicKey], clock: { now })
private let signer = RequestSigner(keyId: keyId, key: key, clock: { now })

/// Line 1 the method, line 2 the raw request target, then headers, an empty line and the body.
private func verify(_ input: FuzzInput) {
    let request = input.request
    _ = IdentityRoutes.isUnsigned(path: request.target)
    if case .failure(let failure) = verifier.verify(method: request.method, target: request.target, headers: request.headers, body: request.body) {
        require(!failure.description.isEmpty, "a verification failure without a message")
    }
}

private func signThenVerify(_ input: FuzzInput) {
    let request = input.request
    // The signer's own date, so that only what it signs decides: a caller's date may be rightly refused as skewed.
    let undated = request.headers.filter { !["date", "x-date"].contains($0.0.lowercased()) }
    let headers = Dictionary(undated, uniquingKeysWith: { first, _ in first })
    guard let signed = try? signer.sign(method: request.method, url: "http://emulator:8080" + request.target, headers: headers, body: request.body, signBody: nil),
          let target = try? RequestURL("http://emulator:8080" + request.target).target
    else { return }
    let result = verifier.verify(method: request.method, target: target, headers: signed.map { ($0.key, $0.value) }, body: request.body)
    if case .failure(let failure) = result {
        require(false, "a signed \(request.method) \(target) is refused: \(failure)")
    }
}

/// The target split as the Object Storage routes split it: path segments, then the query.
private func requestParts(_ input: FuzzInput) {
    let target = input.text
    let question = target.firstIndex(of: "?")
    let path = String(target[..<(question ?? target.endIndex)])
    let split = RequestParts.splitPath(path, leading: 5)
    require(split.segments.count <= 5, "\(split.segments.count) leading segments of \(path)")
    for segment in split.segments {
        _ = try? RequestParts.pathDecode(segment)
    }
    if let rest = split.rest { _ = try? RequestParts.pathDecode(rest) }
    if let question {
        _ = try? RequestParts.query(String(target[target.index(after: question)...]))
    }
}
