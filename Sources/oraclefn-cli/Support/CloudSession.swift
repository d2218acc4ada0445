import OFConfig
import OFServices

/// The OCI clients of one configuration, through the library's Session: Functions (management, invoke, logs, Logging,
/// identity) signed with the oracle_f section's credentials, Object Storage with oracle_oss's.
struct CloudSession {
    let session: Session

    var configuration: Configuration { session.configuration }
    var management: FunctionsManagementClient { session.functions }
    var invoker: FunctionsInvokeClient { session.invoker }
    var storage: ObjectStorageClient { session.objects }
    var identity: IdentityClient { session.identity }
    var logs: LogsClient { session.logs }
    var logging: LoggingManagementClient { session.logging }

    init(configuration: Configuration) throws(CLIFailure) {
        do {
            session = try Session(configuration: configuration)
        } catch {
            throw CLIFailure(error, while: "the configuration's credentials cannot be used")
        }
    }

    /// Whether the configuration sends Functions to an oraclefn emulator rather than to OCI: only an
    /// oracle_f endpoint can, and only the emulator serves its handlers' logs there.
    func isEmulator() async throws(CLIFailure) -> Bool {
        try await CLIFailure.reporting("asking \(Endpoints(configuration: configuration).functions) whether it is the oraclefn emulator") {
            try await session.isEmulator()
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
