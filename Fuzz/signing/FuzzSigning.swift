// The request-signing code: URL splitting, the canonical signing string, the Authorization header, HTTP dates,
// base64 and the services' percent-encoding. Properties: nothing traps, and what is built reads back as built.
import FuzzSupport
import OFServices
@testable import OFSigning

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSigning(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let (choice, input) = FuzzInput(start, count).selector(4)
    switch choice {
    case 0: signingInput(input)
    case 1: percentEncoding(input.text)
    case 2: authorizationHeader(input.text)
    default: dateAndBase64(input.text)
    }
    return 0
}

/// Key generation is the slow part; the signing input (everything but the RSA step) does not depend on the key.
private let signer: RequestSigner = {
    guard let key = try? PrivateKey.generate() else { fatalError("cannot generate an RSA key") }
    return RequestSigner(keyId: "ocid1.tenancy.oc1..t/ocid1.user.oc1..u/aa:bb", key: key, clock: { 1_780_000_000 })
}()

/// Line 1 the method, line 2 the URL, then `name: value` headers, an empty line and the body.
private func signingInput(_ input: FuzzInput) {
    let request = input.request
    if let url = try? RequestURL(request.target) {
        require(url.target.hasPrefix("/"), "the request target \(url.target) of \(request.target) does not start with /")
        require(!url.host.isEmpty && !url.host.contains(where: { "/?#".contains($0) }), "bad host \(url.host) of \(request.target)")
        require(!url.target.contains("#"), "the request target \(url.target) keeps a fragment")
    }
    let headers = Dictionary(request.headers, uniquingKeysWith: { first, _ in first })
    let signBody: Bool? = request.body.first.map { $0 & 1 == 0 }
    guard let built = try? signer.signingInput(method: request.method, url: request.target, headers: headers, body: request.body, signBody: signBody)
    else { return }
    // Bytes, not Characters: a value may start with a combining mark, which joins the ": " before it.
    let lines = built.signingString.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    require(lines.count == built.signedHeaders.count, "\(built.signedHeaders.count) signed headers give \(lines.count) lines")
    for (line, name) in zip(lines, built.signedHeaders) {
        require(line.starts(with: (name + ": ").utf8), "the line \(String(decoding: line, as: UTF8.self)) does not sign \(name)")
    }
}

private func percentEncoding(_ text: String) {
    let encoded = PercentEncoding.component(text)
    require(encoded != "." && encoded != "..", "\(text) encodes as a dot segment")
    var decoded: [UInt8] = []
    var bytes = encoded.utf8[...]
    while let byte = bytes.popFirst() {
        if byte == UInt8(ascii: "%") {
            let hex = String(decoding: bytes.prefix(2), as: UTF8.self)
            guard hex.count == 2, let value = UInt8(hex, radix: 16) else { return require(false, "bad escape in \(encoded)") }
            decoded.append(value)
            bytes = bytes.dropFirst(2)
        } else {
            require(byte > 0x20 && byte < 0x7F && !"/?#&=+ ".utf8.contains(byte), "\(encoded) keeps the byte \(byte)")
            decoded.append(byte)
        }
    }
    require(decoded == Array(text.utf8), "\(encoded) does not decode to \(text)")
    let query = PercentEncoding.query([(text, text), ("k", nil)])
    require(query == "?" + encoded + "=" + encoded, "the query of \(text) is \(query)")
}

private func authorizationHeader(_ text: String) {
    guard case .success(let header) = AuthorizationHeader.parse(text) else { return }
    guard case .success(let again) = AuthorizationHeader.parse(header.rendered) else {
        return require(false, "the rendered header \(header.rendered) does not parse")
    }
    require(again == header, "\(header.rendered) reads back as \(again)")
}

private func dateAndBase64(_ text: String) {
    // format clamps to years 1...9999; parse also reads year 0000 and a leap second after 9999-12-31 23:59:59.
    if let seconds = HTTPDate.parse(text), (-62_135_596_800...253_402_300_799).contains(seconds) {
        let formatted = HTTPDate.format(seconds)
        require(HTTPDate.parse(formatted) == seconds, "\(text) is \(seconds) s, formatted \(formatted)")
    }
    if let bytes = Base64.decode(text) {
        require(Base64.decode(Base64.encode(bytes)) == bytes, "base64 of \(text) does not read back")
    }
}
