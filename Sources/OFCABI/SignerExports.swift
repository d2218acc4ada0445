// Request signers: OCI HTTP signatures from C.
import COraclefnTypes
import OFConfig
import OFSigning

final class SignerHandle: Handle {
    /// Asked for a signer at each signing, so a session token read again or fetched anew is used.
    let provider: any CredentialProvider
    init(_ provider: any CredentialProvider) { self.provider = provider }
}

/// A signer for the PEM private key in `key_file` (PKCS#1 or PKCS#8, encrypted
/// ones with `pass_phrase`, else NULL), signing as `key_id`
/// ("<tenancy>/<user>/<fingerprint>"). Free it with ofn_signer_free().
@c(ofn_signer_new)
public func ofnSignerNew(
    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ keyFile: UnsafePointer<CChar>?, _ keyId: UnsafePointer<CChar>?,
    _ passPhrase: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        guard let out else { throw CError.invalid("out must not be NULL") }
        out.pointee = nil
        let path = try Marshal.string(keyFile, "key_file")
        let id = try Marshal.string(keyId, "key_id")
        guard !id.isEmpty else { throw CError.invalid("key_id is empty; pass \"<tenancy OCID>/<user OCID>/<fingerprint>\"") }
        let key = try PrivateKey(contentsOfFile: path, passPhrase: try Marshal.optionalString(passPhrase, "pass_phrase"))
        out.pointee = SignerHandle(APIKeyProvider(signer: RequestSigner(keyId: id, key: key))).register()
    }
}

/// The signer of a loaded configuration: its oracle_f section's credentials
/// (an API key, a session token, an instance or a resource principal).
@c(ofn_signer_from_config)
public func ofnSignerFromConfig(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ config: OpaquePointer?) -> ofn_status {
    guarded {
        guard let out else { throw CError.invalid("out must not be NULL") }
        out.pointee = nil
        let handle = try Handle.borrow(config, as: ConfigHandle.self, "config")
        out.pointee = SignerHandle(handle.credentials.functionsProvider).register()
    }
}

/// Signs a request. `headers_json` is a JSON object of the headers to send
/// (NULL for none); a "date" or "x-date" in it is used as given, else the
/// current time. `sign_body` is -1 for OCI's rule (body signed on POST, PUT and
/// PATCH except Object Storage PutObject and UploadPart), 0 or 1 to force it.
/// On success `out` holds a JSON object of every header to send, names in
/// lowercase, "authorization" included.
@c(ofn_signer_sign)
public func ofnSignerSign(
    _ out: UnsafeMutablePointer<ofn_buf>?, _ signer: OpaquePointer?, _ method: UnsafePointer<CChar>?,
    _ url: UnsafePointer<CChar>?, _ headersJSON: UnsafePointer<CChar>?, _ body: UnsafeRawPointer?, _ bodyLength: Int,
    _ signBody: Int32
) -> ofn_status {
    guarded {
        let handle = try Handle.borrow(signer, as: SignerHandle.self, "signer")
        let method = try Marshal.string(method, "method", limit: 16)
        let url = try Marshal.string(url, "url", limit: Marshal.urlLimit)
        let headers = try headerMap(try Marshal.options(headersJSON, "headers_json"))
        let bytes = try Marshal.bytes(body, bodyLength, "body")
        let force: Bool?
        switch signBody {
        case -1: force = nil
        case 0: force = false
        case 1: force = true
        default: throw CError.invalid("sign_body is \(signBody); pass -1 (OCI's rule), 0 or 1")
        }
        let signed = try handle.provider.signer().sign(
            method: method, url: url, headers: headers, body: body == nil && bodyLength == 0 ? nil : bytes,
            signBody: force)
        let json = ConfigValue.map(signed.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }).json
        try Marshal.fill(out, json)
    }
}

@c(ofn_signer_free)
public func ofnSignerFree(_ signer: OpaquePointer?) { Handle.release(signer, as: SignerHandle.self) }

private func headerMap(_ json: String?) throws -> [String: String] {
    guard let json else { return [:] }
    let hint = "pass a JSON object of strings, such as {\"date\": \"Tue, 02 Jun 2026 10:20:30 GMT\"}"
    let value: ConfigValue
    do { value = try ConfigValue(json: json) } catch { throw CError.invalid("headers_json is not valid JSON; \(hint)") }
    guard case .map(let pairs) = value else { throw CError.invalid("headers_json is not a JSON object; \(hint)") }
    var headers: [String: String] = [:]
    for (name, v) in pairs {
        guard case .string(let s) = v else { throw CError.invalid("headers_json: the value of \"\(name)\" is not a string; \(hint)") }
        headers[name.lowercased()] = s
    }
    return headers
}
