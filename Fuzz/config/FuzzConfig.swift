// The configuration loader: Lithops YAML (parsed, then validated into a Configuration), OCI profile files and the
// JSON overrides. Properties: nothing traps or hangs, every failure is a ConfigError with a message, and the JSON
// of a configuration value reads back as the same value.
import FuzzSupport
@testable import OFConfig

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let (choice, input) = FuzzInput(start, count).selector(3)
    switch choice {
    case 0: yaml(input.text)
    case 1: ociProfiles(input.text)
    default: json(input.text)
    }
    return 0
}

/// A whole Lithops configuration; relative key_file and config_file paths resolve in a directory without files.
private func yaml(_ text: String) {
    do {
        let configuration = try Configuration.parse(yaml: text, source: "fuzz.yaml", environment: [:], baseDirectory: "/nonexistent")
        _ = configuration.merged.json
    } catch {
        require(!error.description.isEmpty, "a ConfigError without a message")
    }
}

private func ociProfiles(_ text: String) {
    do {
        let file = try OCIConfigFile.parse(text, path: "fuzz-oci-config")
        for profile in file.profiles {
            _ = try? file.settings(ofProfile: profile.name)
        }
        _ = try? file.settings(ofProfile: OCIConfigFile.defaultProfile)
    } catch {
        require(!error.description.isEmpty, "a ConfigError without a message")
    }
}

private func json(_ text: String) {
    guard let value = try? ConfigValue(json: text) else { return }
    let rendered = value.json
    guard let again = try? ConfigValue(json: rendered) else {
        return require(false, "the JSON of a parsed value does not parse: \(rendered)")
    }
    require(again.json == rendered, "JSON does not read back as the same value: \(rendered) vs \(again.json)")
    // Overrides take the same JSON (`{"section.key": value}`); applied to an empty tree they must not trap.
    _ = try? Overrides.apply(value, to: .map([]), source: "fuzz")
}
