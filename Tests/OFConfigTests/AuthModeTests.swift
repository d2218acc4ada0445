import Foundation
import XCTest

@testable import OFConfig

/// `oracle.auth` and what each way of signing asks of the configuration.
final class AuthModeTests: XCTestCase {
    private let principalYAML = """
        oracle:
            auth: instance_principal
            region: eu-madrid-1
            compartment_id: ocid1.compartment.oc1..aaaaaaaatestcompartment
        oracle_f:
            subnet_id: ocid1.subnet.oc1.eu-madrid-1.aaaaaaaatestsubnet
        """

    private func parse(_ yaml: String, environment: [String: String] = [:]) throws(ConfigError) -> Configuration {
        try Configuration.parse(yaml: yaml, environment: ["HOME": "/nonexistent-home"].merging(environment) { $1 })
    }

    private func refusal(_ yaml: String, environment: [String: String] = [:]) -> ConfigError? {
        do {
            _ = try parse(yaml, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    func testAnAPIKeyIsTheDefault() throws {
        let config = try parse(Fixtures.yaml())
        XCTAssertEqual(config.oracle.auth, .apiKey)
        XCTAssertEqual(config.functions.credentials.apiKey?.keyFile, Fixtures.keyFile)
        XCTAssertEqual(config.merged["oracle"]?["auth"], .string("api_key"))
    }

    func testInstancePrincipalsNeedNoUserFingerprintOrKeyFile() throws {
        let config = try parse(principalYAML)
        XCTAssertEqual(config.oracle.auth, .instancePrincipal)
        XCTAssertEqual(config.functions.credentials, .instancePrincipal(authEndpoint: nil))
        XCTAssertEqual(config.storage.credentials, .instancePrincipal(authEndpoint: nil))
        XCTAssertNil(config.oracle.user)

        let endpoint = try parse(principalYAML.replacingOccurrences(
            of: "auth: instance_principal", with: "auth: instance_principal\n    auth_endpoint: http://127.0.0.1:9/"))
        XCTAssertEqual(endpoint.functions.credentials, .instancePrincipal(authEndpoint: "http://127.0.0.1:9"))
    }

    func testMandatoryKeysFollowTheMode() {
        let noRegion = refusal(principalYAML.replacingOccurrences(of: "    region: eu-madrid-1\n", with: ""))
        XCTAssertEqual(noRegion?.key, "region")
        XCTAssertTrue(noRegion?.description.contains("with auth: instance_principal") == true, noRegion?.description ?? "")

        let noTokenFile = refusal(principalYAML.replacingOccurrences(of: "instance_principal", with: "security_token"))
        XCTAssertEqual(noTokenFile?.key, "security_token_file")
        XCTAssertTrue(noTokenFile?.description.contains("oci session authenticate") == true, noTokenFile?.description ?? "")

        let unknown = refusal(principalYAML.replacingOccurrences(of: "instance_principal", with: "password"))
        XCTAssertEqual(unknown?.key, "auth")
        XCTAssertTrue(unknown?.description.contains("api_key, security_token, instance_principal or resource_principal") == true)
    }

    func testASessionProfileImpliesSecurityToken() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let token = scratch.path + "/token"
        try "a.b.c".write(toFile: token, atomically: true, encoding: .utf8)
        try """
            [SESSION]
            fingerprint=\(Fixtures.fingerprint)
            key_file=\(Fixtures.keyFile)
            tenancy=ocid1.tenancy.oc1..aaaaaaaatesttenancy
            region=eu-madrid-1
            security_token_file=token
            """.write(toFile: scratch.path + "/oci_config", atomically: true, encoding: .utf8)
        let config = try parse("""
            oracle:
                config_file: \(scratch.path)/oci_config
                profile: SESSION
                compartment_id: ocid1.compartment.oc1..aaaaaaaatestcompartment
            oracle_f:
                subnet_id: ocid1.subnet.oc1.eu-madrid-1.aaaaaaaatestsubnet
            """)
        XCTAssertEqual(config.oracle.auth, .securityToken)
        guard case .securityToken(let session) = config.functions.credentials else {
            return XCTFail("a profile with security_token_file signs with its token, not \(config.functions.credentials)")
        }
        XCTAssertEqual(session.tokenFile, token, "the token file is taken from the profile's folder")
        XCTAssertEqual(session.keyFile, Fixtures.keyFile)
        XCTAssertEqual(session.profile, "SESSION")
        XCTAssertTrue(session.origin.contains("profile \"SESSION\""), session.origin)
    }

    func testAFunctionsEnvironmentImpliesResourcePrincipalsWhenNoKeyIsConfigured() throws {
        let yaml = """
            oracle:
                compartment_id: ocid1.compartment.oc1..aaaaaaaatestcompartment
            oracle_f:
                subnet_id: ocid1.subnet.oc1.eu-madrid-1.aaaaaaaatestsubnet
            """
        let environment = ["OCI_RESOURCE_PRINCIPAL_VERSION": "2.2", "OCI_RESOURCE_PRINCIPAL_REGION": "uk-london-1"]
        let config = try parse(yaml, environment: environment)
        XCTAssertEqual(config.oracle.auth, .resourcePrincipal)
        XCTAssertEqual(config.functions.credentials, .resourcePrincipal)
        XCTAssertEqual(config.oracle.region, "uk-london-1", "the region comes from the function's environment")

        // outside a function the same configuration lacks a key
        XCTAssertEqual(refusal(yaml)?.key, "user")
        // a configured API key wins over the environment
        XCTAssertEqual(try parse(Fixtures.yaml(), environment: environment).oracle.auth, .apiKey)
    }
}
