import OFConfig
import OFServices

/// The OCI clients of one configuration: Functions (management, invoke, logs, identity) through the oracle_f
/// section's key and endpoint, Object Storage through oracle_oss's.
struct CloudSession {
    let configuration: Configuration
    let management: FunctionsManagementClient
    let invoker: FunctionsInvokeClient
    let storage: ObjectStorageClient
    let identity: IdentityClient
    let logs: LogsClient

    init(configuration: Configuration) throws(CLIFailure) {
        self.configuration = configuration
        let functionsService: ServiceClient
        let storageService: ServiceClient
        do {
            functionsService = try ServiceClient(configuration: configuration, section: .functions)
            storageService = try ServiceClient(configuration: configuration, section: .storage)
        } catch {
            throw CLIFailure(error, while: "the configuration's API key cannot be used")
        }
        management = FunctionsManagementClient(configuration: configuration, service: functionsService)
        invoker = FunctionsInvokeClient(configuration: configuration, management: management)
        storage = ObjectStorageClient(configuration: configuration, service: storageService)
        identity = IdentityClient(service: functionsService)
        logs = LogsClient(service: functionsService)
    }

    /// Whether the configuration sends Functions to an oraclefn emulator rather than to OCI: only an
    /// oracle_f endpoint can, and only the emulator serves its handlers' logs there.
    func isEmulator() async throws(CLIFailure) -> Bool {
        try await CLIFailure.reporting("asking \(Endpoints(configuration: configuration).functions) whether it is the oraclefn emulator") {
            try await logs.isEmulator(configuration: configuration)
        }
    }

    /// The bucket a command works in: the one given, else oracle_oss.storage_bucket.
    func bucket(_ given: String?) throws(CLIFailure) -> String {
        guard let bucket = given ?? configuration.storage.storageBucket else {
            throw .usage("no bucket given and oracle_oss.storage_bucket is not set: pass --bucket NAME or set storage_bucket in the oracle_oss section")
        }
        return bucket
    }
}
