// Configuration handles: load (file or text), inspect as JSON, free.
import COraclefnTypes
import OFConfig
import OFServices
import OFSigning

/// A loaded configuration whose credentials have been checked, with the providers that check made: the
/// sessions made from it take them, so a key is read once per configuration.
final class ConfigHandle: Handle {
    let configuration: Configuration
    let credentials: SessionCredentials
    init(_ configuration: Configuration) throws {
        self.configuration = configuration
        self.credentials = try SessionCredentials(configuration: configuration)
    }
}

private func overrides(_ json: UnsafePointer<CChar>?) throws -> ConfigValue? {
    guard let text = try Marshal.options(json, "overrides_json") else { return nil }
    do {
        return try ConfigValue(json: text)
    } catch {
        throw CError.invalid("overrides_json is not valid JSON (\(error)); pass an object such as {\"oracle_f\": {\"max_workers\": 10}}")
    }
}

/// Loads the configuration at `path`, or with `path` NULL the first one found
/// in Lithops' order (env LITHOPS_CONFIG_FILE, ./.lithops_config,
/// ~/.lithops/config, /etc/lithops/config), applies the optional JSON
/// overrides (`{"section": {"key": value}}`), validates it and checks its
/// credentials as oracle.auth says: "api_key" (the private key read once
/// and checked against the fingerprint), "security_token" (an `oci session
/// authenticate` profile's token file and session key), "instance_principal"
/// (the instance metadata service and federation, on first use) or
/// "resource_principal" (a function's OCI_RESOURCE_PRINCIPAL_* variables).
/// Sessions made from the handle (ofn_session_new) take these credentials.
/// Free the handle with ofn_config_free().
@c(ofn_config_load)
public func ofnConfigLoad(
    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ path: UnsafePointer<CChar>?, _ overridesJSON: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        guard let out else { throw CError.invalid("out must not be NULL") }
        out.pointee = nil
        let path = try Marshal.optionalString(path, "path")
        let configuration = try Configuration.load(path: path, overrides: try overrides(overridesJSON))
        out.pointee = try ConfigHandle(configuration).register()
    }
}

/// Like ofn_config_load(), from YAML text instead of a file.
@c(ofn_config_parse)
public func ofnConfigParse(
    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ yaml: UnsafePointer<CChar>?, _ overridesJSON: UnsafePointer<CChar>?
) -> ofn_status {
    guarded {
        guard let out else { throw CError.invalid("out must not be NULL") }
        out.pointee = nil
        let text = try Marshal.string(yaml, "yaml", limit: Configuration.textLimit)
        let configuration = try Configuration.parse(yaml: text, overrides: try overrides(overridesJSON))
        out.pointee = try ConfigHandle(configuration).register()
    }
}

/// The merged configuration (all four sections, defaults filled in) as a JSON
/// object, with pass phrases and tokens masked.
@c(ofn_config_to_json)
public func ofnConfigToJSON(_ out: UnsafeMutablePointer<ofn_buf>?, _ config: OpaquePointer?) -> ofn_status {
    guarded {
        let handle = try Handle.borrow(config, as: ConfigHandle.self, "config")
        try Marshal.fill(out, handle.configuration.maskedJSON)
    }
}

/// The path of the configuration file ofn_config_load(NULL) would read, or
/// OFN_ENOTFOUND when there is none.
@c(ofn_config_locate)
public func ofnConfigLocate(_ out: UnsafeMutablePointer<ofn_buf>?) -> ofn_status {
    guarded {
        guard let path = Configuration.locate() else {
            throw CError(status: OFN_ENOTFOUND, message: "no configuration file found: set LITHOPS_CONFIG_FILE or create ./.lithops_config, ~/.lithops/config or /etc/lithops/config")
        }
        try Marshal.fill(out, path)
    }
}

@c(ofn_config_free)
public func ofnConfigFree(_ config: OpaquePointer?) { Handle.release(config, as: ConfigHandle.self) }
