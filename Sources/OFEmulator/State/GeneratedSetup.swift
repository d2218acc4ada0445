import Foundation
import OFSigning

/// What an emulator started without a configuration makes for its users: an API key and a ready Lithops
/// configuration pointing every service at the emulator. Kept in a folder so a restart with the same
/// state directory reuses the key (only the endpoint in the configuration changes).
public struct GeneratedSetup: Sendable {
    /// Fixed identities: the emulator's single tenancy and user.
    public static let tenancy = "ocid1.tenancy.oc1..aaaaaaaaoraclefnemulatortenancy"
    public static let user = "ocid1.user.oc1..aaaaaaaaoraclefnemulatoruser"
    public static let subnet = "ocid1.subnet.oc1.iad.aaaaaaaaoraclefnemulatorsubnet"
    public static let region = "us-ashburn-1"

    public let keyFile: String
    public let configFile: String
    public let fingerprint: String
    public let publicKey: PublicKey

    public var keyId: String { "\(Self.tenancy)/\(Self.user)/\(self.fingerprint)" }

    /// Reuses `<directory>/oci_api_key.pem`, or generates a 2048-bit key there (readable by its owner only).
    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.keyFile = (directory as NSString).appendingPathComponent("oci_api_key.pem")
        self.configFile = (directory as NSString).appendingPathComponent("lithops_config.yaml")
        let key: PrivateKey
        if FileManager.default.fileExists(atPath: self.keyFile) {
            key = try PrivateKey(contentsOfFile: self.keyFile, passPhrase: nil)
        } else {
            key = try PrivateKey.generate()
            try Data(key.pkcs8PEM().utf8).write(to: URL(fileURLWithPath: self.keyFile), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: self.keyFile)
        }
        self.fingerprint = key.fingerprint
        self.publicKey = key.publicKey
    }

    /// Writes the Lithops configuration for the emulator at `url`.
    public func writeConfiguration(url: String, namespace: String) throws {
        try Data(self.configuration(url: url, namespace: namespace).utf8).write(to: URL(fileURLWithPath: self.configFile), options: .atomic)
    }

    func configuration(url: String, namespace: String) -> String {
        """
        # Made by `oraclefn emulator` for the emulator at \(url); rewritten each time it starts.
        lithops:
          backend: oracle_f
          storage: oracle_oss
        oracle:
          user: \(Self.user)
          tenancy: \(Self.tenancy)
          fingerprint: \(self.fingerprint)
          key_file: \(Self.quoted(self.keyFile))
          region: \(Self.region)
          compartment_id: \(Self.tenancy)
          tenancy_namespace: \(namespace)
        oracle_f:
          subnet_id: \(Self.subnet)
          endpoint: \(Self.quoted(url))
        oracle_oss:
          endpoint: \(Self.quoted(url))

        """
    }

    /// A YAML double-quoted scalar (JSON string syntax is valid YAML), safe for any path.
    private static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\(text)\""
    }
}
