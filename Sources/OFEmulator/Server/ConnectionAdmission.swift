import OFLocking

/// The connections open now, overall and by client address, against their caps.
struct ConnectionCounts: Sendable, Equatable {
    enum Refusal: Sendable, Equatable {
        case tooManyConnections(limit: Int)
        case tooManyFromClient(limit: Int)

        /// What the refused client is told, in the `503` it gets before the connection closes.
        var message: String {
            switch self {
            case .tooManyConnections(let limit):
                "The emulator already holds its maximum of \(limit) connections; retry when some have closed, or raise ConnectionLimits.maxConnections (oraclefn emulator --max-connections) and the process's descriptor limit."
            case .tooManyFromClient(let limit):
                "This client address already holds the emulator's maximum of \(limit) connections; reuse or close some, or raise ConnectionLimits.maxConnectionsPerClient (oraclefn emulator --max-connections-per-client)."
            }
        }
    }

    let maxTotal: Int
    let maxPerClient: Int
    private(set) var total = 0
    private(set) var byClient: [String: Int] = [:]

    init(maxTotal: Int, maxPerClient: Int) {
        self.maxTotal = maxTotal
        self.maxPerClient = maxPerClient
    }

    /// Counts a new connection from `client`, or says why it is refused (then nothing is counted).
    mutating func admit(client: String) -> Refusal? {
        guard self.total < self.maxTotal else { return .tooManyConnections(limit: self.maxTotal) }
        let fromClient = self.byClient[client, default: 0]
        guard fromClient < self.maxPerClient else { return .tooManyFromClient(limit: self.maxPerClient) }
        self.total += 1
        self.byClient[client] = fromClient + 1
        return nil
    }

    /// Forgets a connection `admit` counted.
    mutating func release(client: String) {
        self.total -= 1
        let remaining = self.byClient[client, default: 1] - 1
        self.byClient[client] = remaining > 0 ? remaining : nil
    }
}

/// The shared `ConnectionCounts` of one server, used from every event loop.
final class ConnectionAdmission: Sendable {
    private let counts: Locked<ConnectionCounts>

    init(maxTotal: Int, maxPerClient: Int) {
        self.counts = Locked(ConnectionCounts(maxTotal: maxTotal, maxPerClient: maxPerClient))
    }

    func admit(client: String) -> ConnectionCounts.Refusal? {
        self.counts.withLock { $0.admit(client: client) }
    }

    func release(client: String) {
        self.counts.withLock { $0.release(client: client) }
    }
}
