/// Why a key could not be loaded or a request could not be signed.
///
/// `isKeyError` separates problems with the key itself (unreadable, encrypted, wrong pass phrase, not RSA),
/// which the C ABI reports as `OFN_EKEY`, from problems with the request, reported as `OFN_ESIGN`.
/// Messages never contain key material or pass phrases.
public struct SigningError: Error, CustomStringConvertible, Sendable {
    /// What went wrong with a key, so that configuration checks can name the setting to fix.
    enum KeyProblem: Sendable, Equatable {
        case unreadable
        case empty
        case publicKeyGiven
        case notPrivateKeyPEM
        case notPublicKeyPEM
        case passPhraseMissing
        case passPhraseWrong
        case unsupportedKeyType
        case cryptoFailure
    }

    public var description: String
    public var isKeyError: Bool { keyProblem != nil }
    let keyProblem: KeyProblem?

    init(request description: String) {
        self.description = description
        self.keyProblem = nil
    }

    init(key problem: KeyProblem, _ description: String) {
        self.description = description
        self.keyProblem = problem
    }
}
