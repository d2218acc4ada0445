import COpenSSL
import Foundation
import OFSigning
import OFLocking
import XCTest

@testable import OFEmulator

/// The emulator's identities over real TCP: session tokens (`ST$<token>`), their expiry, the instance metadata
/// stand-in, X.509 federation, session refresh, and the files `--state` gets.
final class IdentityTests: XCTestCase {
    private var emulators: [Emulator] = []
    private var folders: [String] = []

    override func tearDown() async throws {
        for emulator in self.emulators { await emulator.stop() }
        self.emulators = []
        for folder in self.folders { try? FileManager.default.removeItem(atPath: folder) }
        self.folders = []
    }

    /// A clock the test moves: the emulator and the request signers read it.
    final class MovableClock: Sendable {
        private let offset = Locked<TimeInterval>(0)
        func advance(by seconds: TimeInterval) { self.offset.withLock { $0 += seconds } }
        func now() -> Date { Date().addingTimeInterval(self.offset.withLock { $0 }) }
        func epoch() -> Int { Int(self.now().timeIntervalSince1970) }
    }

    private func start(configure: (inout EmulatorOptions) -> Void = { _ in }) async throws -> (Emulator, SignedClient) {
        let (emulator, client) = try await EmulatorFixtures.startEmulator(configure: configure)
        self.emulators.append(emulator)
        return (emulator, client)
    }

    private func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oraclefn-identity-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        self.folders.append(path)
        return path
    }

    private func identity(of emulator: Emulator) throws -> EmulatorIdentity {
        try XCTUnwrap(emulator.identity, "a started emulator has an identity")
    }

    // MARK: Session tokens

    func testSessionTokenCarriesItsKeyAsJWKAndSignsRequests() async throws {
        let (emulator, client) = try await self.start()
        let identity = try self.identity(of: emulator)
        let sessionKey = try PrivateKey.generate()
        let token = try identity.issueUserSession(user: EmulatorFixtures.user, tenancy: EmulatorFixtures.tenancy, sessionKey: sessionKey.publicKey)

        let claims = try Self.claims(of: token)
        XCTAssertEqual(claims["sub"] as? String, EmulatorFixtures.user)
        XCTAssertEqual(claims["tenant"] as? String, EmulatorFixtures.tenancy)
        XCTAssertEqual(claims["ptype"] as? String, "user")
        let issuedAt = try XCTUnwrap(claims["iat"] as? Int)
        XCTAssertEqual(claims["exp"] as? Int, issuedAt + 3600, "EmulatorOptions.tokenLifetime defaults to an hour")
        let jwkText = try XCTUnwrap(claims["jwk"] as? String, "OCI writes the jwk claim as a JSON string")
        let jwk = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(jwkText.utf8)) as? [String: String])
        XCTAssertEqual(jwk["kty"], "RSA")
        let rebuilt = try PublicKey(modulus: try XCTUnwrap(Base64URL.decode(jwk["n"] ?? "")), exponent: try XCTUnwrap(Base64URL.decode(jwk["e"] ?? "")))
        XCTAssertEqual(rebuilt.pem, sessionKey.publicKey.pem, "the jwk claim is the session key")
        XCTAssertEqual(try Self.header(of: token)["alg"] as? String, "RS256")

        let session = RequestSigner(keyId: "ST$" + token, key: sessionKey)
        let namespace = try await client.send(.get, "/n/", signer: session)
        XCTAssertEqual(namespace.status, 200, namespace.text)
        let created = try await client.send(
            .post, "/n/oraclefn/b/", body: Array(#"{"name": "by-session", "compartmentId": "\#(EmulatorFixtures.compartment)"}"#.utf8), signer: session)
        XCTAssertEqual(created.status, 200, created.text)
        XCTAssertEqual((try created.json() as? [String: Any])?["createdBy"] as? String, EmulatorFixtures.user, "createdBy is the token's subject, not the token")
    }

    func testExpiredTokenGets401SayingToRefresh() async throws {
        let clock = MovableClock()
        let (emulator, client) = try await self.start { options in
            options.clock = { clock.now() }
            options.tokenLifetime = 600
        }
        let sessionKey = try PrivateKey.generate()
        let token = try self.identity(of: emulator).issueUserSession(user: EmulatorFixtures.user, tenancy: EmulatorFixtures.tenancy, sessionKey: sessionKey.publicKey)
        let session = RequestSigner(keyId: "ST$" + token, key: sessionKey) { clock.epoch() }
        let fresh = try await client.send(.get, "/n/", signer: session)
        XCTAssertEqual(fresh.status, 200, fresh.text)

        clock.advance(by: 601)
        let expired = try await client.send(.get, "/n/", signer: session)
        XCTAssertEqual(expired.status, 401)
        XCTAssertEqual(expired.errorCode, "NotAuthenticated")
        XCTAssertTrue(expired.text.contains("expired"), expired.text)
        XCTAssertTrue(expired.text.contains("refresh"), expired.text)
        XCTAssertFalse(expired.text.contains(token), "the token is never repeated in an answer")
    }

    func testTokenSignedWithAnotherKeyOrForgedGets401() async throws {
        let (emulator, client) = try await self.start()
        let identity = try self.identity(of: emulator)
        let sessionKey = try PrivateKey.generate()
        let token = try identity.issueUserSession(user: EmulatorFixtures.user, tenancy: EmulatorFixtures.tenancy, sessionKey: sessionKey.publicKey)

        let wrongKey = try await client.send(.get, "/n/", signer: RequestSigner(keyId: "ST$" + token, key: try PrivateKey.generate()))
        XCTAssertEqual(wrongKey.status, 401, "a request signed with a key other than the token's jwk")
        XCTAssertEqual(wrongKey.errorCode, "NotAuthenticated")
        XCTAssertFalse(wrongKey.text.contains(token))

        // the same claims and key, but signed by an issuer the emulator does not know
        let stranger = TokenIssuer(key: try PrivateKey.generate())
        let forged = try stranger.issue(claims: ["sub": .string(EmulatorFixtures.user), "ptype": .string("user")], sessionKey: sessionKey.publicKey, lifetime: 600)
        let forgedAnswer = try await client.send(.get, "/n/", signer: RequestSigner(keyId: "ST$" + forged, key: sessionKey))
        XCTAssertEqual(forgedAnswer.status, 401)
        XCTAssertTrue(forgedAnswer.text.contains("identity key"), forgedAnswer.text)

        // a genuine token whose claims were changed (a longer exp) no longer matches its signature
        var parts = token.split(separator: ".").map(String.init)
        var claims = try Self.claims(of: token)
        claims["exp"] = (claims["exp"] as? Int ?? 0) + 86_400
        parts[1] = Base64URL.encode(Array(try JSONSerialization.data(withJSONObject: claims)))
        let tampered = try await client.send(.get, "/n/", signer: RequestSigner(keyId: "ST$" + parts.joined(separator: "."), key: sessionKey))
        XCTAssertEqual(tampered.status, 401)

        let garbage = try await client.send(.get, "/n/", signer: RequestSigner(keyId: "ST$not-a-token", key: sessionKey))
        XCTAssertEqual(garbage.status, 401)
    }

    func testResourcePrincipalIsAnIssuedTokenForTheTenancy() async throws {
        let (emulator, client) = try await self.start()
        let principal = try self.identity(of: emulator).resourcePrincipal
        let claims = try Self.claims(of: principal.token)
        XCTAssertEqual(claims["res_tenant"] as? String, GeneratedSetup.tenancy)
        XCTAssertEqual(claims["res_compartment"] as? String, GeneratedSetup.tenancy)
        XCTAssertEqual(claims["ptype"] as? String, "resource")
        XCTAssertEqual(principal.environment["OCI_RESOURCE_PRINCIPAL_VERSION"], "2.2")
        let key = try PrivateKey(pem: Array(principal.privateKeyPEM.utf8), passPhrase: nil)
        let answer = try await client.send(.get, "/n/", signer: RequestSigner(keyId: principal.keyId, key: key))
        XCTAssertEqual(answer.status, 200, answer.text)
    }

    func testTokensSurviveARestartWithTheSameStateDirectory() async throws {
        let state = try self.temporaryFolder()
        let sessionKey = try PrivateKey.generate()
        let (first, _) = try await self.start { $0.stateDirectory = state }
        let token = try self.identity(of: first).issueUserSession(user: EmulatorFixtures.user, tenancy: EmulatorFixtures.tenancy, sessionKey: sessionKey.publicKey)
        await first.stop()

        let (_, second) = try await self.start { $0.stateDirectory = state }
        let answer = try await second.send(.get, "/n/", signer: RequestSigner(keyId: "ST$" + token, key: sessionKey))
        XCTAssertEqual(answer.status, 200, "the identity key is kept in \(state)/identity: \(answer.text)")

        let (_, inMemory) = try await self.start()
        let elsewhere = try await inMemory.send(.get, "/n/", signer: RequestSigner(keyId: "ST$" + token, key: sessionKey))
        XCTAssertEqual(elsewhere.status, 401, "another emulator's identity key does not vouch for the token")
    }

    // MARK: Instance metadata

    func testInstanceMetadataAnswersOnlyWithTheBearerHeader() async throws {
        let (_, client) = try await self.start()
        for path in ["/opc/v2/instance/region", "/opc/v2/identity/cert.pem", "/opc/v2/identity/key.pem"] {
            let refused = try await client.sendRaw(.get, path, headers: [:], body: nil)
            XCTAssertEqual(refused.status, 401, path)
            let wrong = try await client.sendRaw(.get, path, headers: ["authorization": "Bearer Someone"], body: nil)
            XCTAssertEqual(wrong.status, 401, path)
        }
        let metadata = ["authorization": "Bearer Oracle"]
        let region = try await client.sendRaw(.get, "/opc/v2/instance/region", headers: metadata, body: nil)
        XCTAssertEqual(region.status, 200)
        XCTAssertEqual(region.text, "iad")
        let canonical = try await client.sendRaw(.get, "/opc/v2/instance/canonicalRegionName", headers: metadata, body: nil)
        XCTAssertEqual(canonical.text, GeneratedSetup.region)

        let certificatePEM = try await client.sendRaw(.get, "/opc/v2/identity/cert.pem", headers: metadata, body: nil).text
        let keyPEM = try await client.sendRaw(.get, "/opc/v2/identity/key.pem", headers: metadata, body: nil).text
        let intermediatePEM = try await client.sendRaw(.get, "/opc/v2/identity/intermediate.pem", headers: metadata, body: nil).text
        let certificate = try XCTUnwrap(IssuedCertificate(pem: certificatePEM))
        let intermediate = try XCTUnwrap(IssuedCertificate(pem: intermediatePEM))
        XCTAssertTrue(certificate.isIssued(by: intermediate))
        XCTAssertFalse(intermediate.isIssued(by: certificate))
        XCTAssertEqual(certificate.tenancy, GeneratedSetup.tenancy)
        XCTAssertTrue(certificate.subjectValues(NID_organizationalUnitName).contains("opc-tenant:\(GeneratedSetup.tenancy)"))
        XCTAssertEqual(certificate.subjectValues(NID_commonName), [EmulatorIdentity.instance])
        let key = try PrivateKey(pem: Array(keyPEM.utf8), passPhrase: nil)
        XCTAssertEqual(certificate.publicKey?.pem, key.publicKey.pem, "key.pem is the certificate's private key")
        XCTAssertTrue(certificate.isValid(at: Date()))
    }

    // MARK: Federation

    /// The instance's certificate and key, as the SDK reads them from the metadata service.
    private func instanceCredentials(_ client: SignedClient) async throws -> (certificate: IssuedCertificate, key: PrivateKey, intermediate: IssuedCertificate) {
        let metadata = ["authorization": "Bearer Oracle"]
        let certificatePEM = try await client.sendRaw(.get, "/opc/v2/identity/cert.pem", headers: metadata, body: nil).text
        let keyPEM = try await client.sendRaw(.get, "/opc/v2/identity/key.pem", headers: metadata, body: nil).body
        let intermediatePEM = try await client.sendRaw(.get, "/opc/v2/identity/intermediate.pem", headers: metadata, body: nil).text
        let certificate = try XCTUnwrap(IssuedCertificate(pem: certificatePEM))
        let intermediate = try XCTUnwrap(IssuedCertificate(pem: intermediatePEM))
        return (certificate, try PrivateKey(pem: keyPEM, passPhrase: nil), intermediate)
    }

    private static func federationBody(certificate: IssuedCertificate, intermediate: IssuedCertificate, sessionKey: PublicKey) throws -> [UInt8] {
        let body: [String: Any] = [
            "certificate": Self.armourless(certificate.pem), "publicKey": Self.armourless(sessionKey.pem),
            "intermediateCertificates": [Self.armourless(intermediate.pem)],
        ]
        return Array(try JSONSerialization.data(withJSONObject: body))
    }

    /// A PEM block's base64 without its BEGIN/END lines and line breaks, as the SDK sends it.
    private static func armourless(_ pem: String) -> String {
        pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    }

    func testFederationIssuesATokenForTheSessionKeyThatSignsRequests() async throws {
        let (_, client) = try await self.start()
        let instance = try await self.instanceCredentials(client)
        let sessionKey = try PrivateKey.generate()
        let body = try Self.federationBody(certificate: instance.certificate, intermediate: instance.intermediate, sessionKey: sessionKey.publicKey)

        for (form, algorithm) in [("fed-x509", IssuedCertificate.FingerprintAlgorithm.sha1), ("fed-x509-sha256", .sha256)] {
            let keyId = "\(GeneratedSetup.tenancy)/\(form)/\(instance.certificate.fingerprint(algorithm))"
            let answer = try await client.send(.post, "/v1/x509", body: body, signer: RequestSigner(keyId: keyId, key: instance.key))
            XCTAssertEqual(answer.status, 200, "\(form): \(answer.text)")
            let token = try XCTUnwrap((try answer.json() as? [String: Any])?["token"] as? String)
            let claims = try Self.claims(of: token)
            XCTAssertEqual(claims["sub"] as? String, EmulatorIdentity.instance)
            XCTAssertEqual(claims["tenant"] as? String, GeneratedSetup.tenancy)
            XCTAssertEqual(claims["ptype"] as? String, "instance")

            let namespace = try await client.send(.get, "/n/", signer: RequestSigner(keyId: "ST$" + token, key: sessionKey))
            XCTAssertEqual(namespace.status, 200, "the federated token signs with the session key: \(namespace.text)")
            let other = try await client.send(.get, "/n/", signer: RequestSigner(keyId: "ST$" + token, key: instance.key))
            XCTAssertEqual(other.status, 401, "the token vouches for the session key, not the certificate's")
        }
    }

    func testFederationSignedWithoutHostAsTheSDKSignsIt() async throws {
        let (_, client) = try await self.start()
        let instance = try await self.instanceCredentials(client)
        let body = try Self.federationBody(certificate: instance.certificate, intermediate: instance.intermediate, sessionKey: try PrivateKey.generate().publicKey)
        let keyId = "\(GeneratedSetup.tenancy)/fed-x509/\(instance.certificate.fingerprint(.sha1))"
        // the oci SDK's AuthTokenRequestSigner signs date, (request-target) and the body headers, but not host
        let date = HTTPDate.format(Int(Date().timeIntervalSince1970))
        let digest = Data(try XCTUnwrap(Self.sha256(body))).base64EncodedString()
        let signingString = "date: \(date)\n(request-target): post /v1/x509\ncontent-length: \(body.count)\ncontent-type: application/json\nx-content-sha256: \(digest)"
        let signature = Data(try instance.key.sign(Array(signingString.utf8))).base64EncodedString()
        let headers = [
            "date": date, "content-length": String(body.count), "content-type": "application/json", "x-content-sha256": digest,
            "authorization": #"Signature algorithm="rsa-sha256",headers="date (request-target) content-length content-type x-content-sha256",keyId="\#(keyId)",signature="\#(signature)",version="1""#,
        ]
        let answer = try await client.sendRaw(.post, "/v1/x509", headers: headers, body: body)
        XCTAssertEqual(answer.status, 200, answer.text)
        XCTAssertNotNil((try answer.json() as? [String: Any])?["token"] as? String)
    }

    func testFederationRefusesForeignCertificatesWrongFingerprintsAndSignatures() async throws {
        let (_, client) = try await self.start()
        let instance = try await self.instanceCredentials(client)
        let sessionKey = try PrivateKey.generate().publicKey
        let body = try Self.federationBody(certificate: instance.certificate, intermediate: instance.intermediate, sessionKey: sessionKey)
        let keyId = "\(GeneratedSetup.tenancy)/fed-x509/\(instance.certificate.fingerprint(.sha1))"

        let wrongSigner = try await client.send(.post, "/v1/x509", body: body, signer: RequestSigner(keyId: keyId, key: try PrivateKey.generate()))
        XCTAssertEqual(wrongSigner.status, 401, "signed by a key other than the certificate's")
        let wrongFingerprint = try await client.send(
            .post, "/v1/x509", body: body,
            signer: RequestSigner(keyId: "\(GeneratedSetup.tenancy)/fed-x509/00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33", key: instance.key))
        XCTAssertEqual(wrongFingerprint.status, 401)
        XCTAssertTrue(wrongFingerprint.text.contains("fingerprint"), wrongFingerprint.text)
        let wrongTenancy = try await client.send(
            .post, "/v1/x509", body: body,
            signer: RequestSigner(keyId: "ocid1.tenancy.oc1..other/fed-x509/\(instance.certificate.fingerprint(.sha1))", key: instance.key))
        XCTAssertEqual(wrongTenancy.status, 401)
        let apiKeyForm = try await client.send(.post, "/v1/x509", body: body, signer: RequestSigner(keyId: "\(GeneratedSetup.tenancy)/user/\(instance.key.fingerprint)", key: instance.key))
        XCTAssertEqual(apiKeyForm.status, 401)

        // a certificate naming the same tenancy, made by another certificate authority
        let foreignCA = try XCTUnwrap(OpenSSLKey(privatePEM: try PrivateKey.generate().pkcs8PEM()))
        let foreignKey = try PrivateKey.generate()
        let foreignRoot = try XCTUnwrap(IssuedCertificate.issue(
            subject: InstanceIdentity.intermediateSubject, subjectKey: foreignCA, issuer: nil, signer: foreignCA, validFor: 86_400,
            extensions: [(NID_basic_constraints, "critical,CA:TRUE"), (NID_key_usage, "critical,keyCertSign"), (NID_subject_key_identifier, "hash")]))
        let foreignLeaf = try XCTUnwrap(IssuedCertificate.issue(
            subject: [("CN", EmulatorIdentity.instance), ("OU", "opc-tenant:\(GeneratedSetup.tenancy)")],
            subjectKey: try XCTUnwrap(OpenSSLKey(publicDER: foreignKey.publicKey.subjectPublicKeyInfoDER)), issuer: foreignRoot, signer: foreignCA,
            validFor: 86_400, extensions: [(NID_authority_key_identifier, "keyid:always")]))
        XCTAssertEqual(foreignLeaf.tenancy, GeneratedSetup.tenancy)
        let foreignBody = try Self.federationBody(certificate: foreignLeaf, intermediate: foreignRoot, sessionKey: sessionKey)
        let foreign = try await client.send(
            .post, "/v1/x509", body: foreignBody,
            signer: RequestSigner(keyId: "\(GeneratedSetup.tenancy)/fed-x509/\(foreignLeaf.fingerprint(.sha1))", key: foreignKey))
        XCTAssertEqual(foreign.status, 401)
        XCTAssertTrue(foreign.text.contains("intermediate"), foreign.text)

        let garbage = try await client.send(.post, "/v1/x509", body: Array(#"{"certificate": "bm90IGEgY2VydA==", "publicKey": "x"}"#.utf8), signer: RequestSigner(keyId: keyId, key: instance.key))
        XCTAssertEqual(garbage.status, 401)
    }

    // MARK: Refresh

    func testRefreshGivesANewTokenForTheSameSessionKey() async throws {
        let clock = MovableClock()
        let (emulator, client) = try await self.start { options in
            options.clock = { clock.now() }
            options.tokenLifetime = 600
        }
        let sessionKey = try PrivateKey.generate()
        let token = try self.identity(of: emulator).issueUserSession(user: EmulatorFixtures.user, tenancy: EmulatorFixtures.tenancy, sessionKey: sessionKey.publicKey)
        let session = RequestSigner(keyId: "ST$" + token, key: sessionKey) { clock.epoch() }
        clock.advance(by: 500)

        let refreshed = try await client.send(.post, "/v1/authentication/refresh", body: Array(try JSONSerialization.data(withJSONObject: ["currentToken": token])), signer: session)
        XCTAssertEqual(refreshed.status, 200, refreshed.text)
        let newToken = try XCTUnwrap((try refreshed.json() as? [String: Any])?["token"] as? String)
        XCTAssertNotEqual(newToken, token)
        let oldClaims = try Self.claims(of: token)
        let newClaims = try Self.claims(of: newToken)
        XCTAssertEqual(newClaims["sub"] as? String, EmulatorFixtures.user)
        XCTAssertEqual(newClaims["jwk"] as? String, oldClaims["jwk"] as? String, "the same session key")
        XCTAssertEqual((newClaims["exp"] as? Int ?? 0) - (oldClaims["exp"] as? Int ?? 0), 500, "600 s from the refresh, 500 s after the first")

        clock.advance(by: 200)
        let renewed = RequestSigner(keyId: "ST$" + newToken, key: sessionKey) { clock.epoch() }
        let withNew = try await client.send(.get, "/n/", signer: renewed)
        XCTAssertEqual(withNew.status, 200, withNew.text)
        let withOld = try await client.send(.get, "/n/", signer: session)
        XCTAssertEqual(withOld.status, 401, "the old token expired meanwhile")
    }

    func testRefreshRefusesOtherTokensAndSigners() async throws {
        let (emulator, client) = try await self.start()
        let identity = try self.identity(of: emulator)
        let sessionKey = try PrivateKey.generate()
        let token = try identity.issueUserSession(user: EmulatorFixtures.user, tenancy: EmulatorFixtures.tenancy, sessionKey: sessionKey.publicKey)
        let other = try identity.issueUserSession(user: EmulatorFixtures.user, tenancy: EmulatorFixtures.tenancy, sessionKey: sessionKey.publicKey)
        let path = "/v1/authentication/refresh"

        let mismatch = try await client.send(.post, path, body: Array(try JSONSerialization.data(withJSONObject: ["currentToken": other])), signer: RequestSigner(keyId: "ST$" + token, key: sessionKey))
        XCTAssertEqual(mismatch.status, 401, "currentToken must be the token that signs the request")
        let byAPIKey = try await client.send(.post, path, body: Array(try JSONSerialization.data(withJSONObject: ["currentToken": token])))
        XCTAssertEqual(byAPIKey.status, 401, "an API key has no session to refresh")
        let principal = identity.resourcePrincipal
        let resource = try await client.send(
            .post, path, body: Array(try JSONSerialization.data(withJSONObject: ["currentToken": principal.token])),
            signer: RequestSigner(keyId: principal.keyId, key: try PrivateKey(pem: Array(principal.privateKeyPEM.utf8), passPhrase: nil)))
        XCTAssertEqual(resource.status, 401, "only user sessions are refreshed")
        let wrongKey = try await client.send(.post, path, body: Array(try JSONSerialization.data(withJSONObject: ["currentToken": token])), signer: RequestSigner(keyId: "ST$" + token, key: try PrivateKey.generate()))
        XCTAssertEqual(wrongKey.status, 401)
    }

    // MARK: Files

    func testIdentityFilesHoldWorkingCredentials() async throws {
        let state = try self.temporaryFolder()
        let (emulator, client) = try await self.start {
            $0.stateDirectory = state
            $0.tokenLifetime = 120
        }
        let files = IdentityFiles(directory: state)
        let apiKey = IdentityFiles.APIKeyProfile(
            user: EmulatorFixtures.user, tenancy: EmulatorFixtures.tenancy, fingerprint: try EmulatorFixtures.testKey().fingerprint,
            keyFile: "/keys/api.pem", region: "us-ashburn-1")
        try files.write(identity: try self.identity(of: emulator), apiKey: apiKey)

        let config = try String(contentsOfFile: files.configFile, encoding: .utf8)
        let profiles = Self.iniProfiles(config)
        XCTAssertEqual(profiles["DEFAULT"]?["user"], EmulatorFixtures.user)
        XCTAssertEqual(profiles["DEFAULT"]?["key_file"], "/keys/api.pem")
        XCTAssertEqual(profiles["SESSION"]?["security_token_file"], "\(state)/sessions/SESSION/token")
        XCTAssertEqual(profiles["SESSION"]?["key_file"], "\(state)/sessions/SESSION/oci_api_key.pem")
        XCTAssertEqual(profiles["SESSION"]?["tenancy"], EmulatorFixtures.tenancy)
        XCTAssertEqual(profiles["SESSION"]?["region"], "us-ashburn-1")

        let token = try String(contentsOfFile: files.sessionTokenFile, encoding: .utf8)
        let sessionKey = try PrivateKey(contentsOfFile: files.sessionKeyFile, passPhrase: nil)
        XCTAssertEqual(profiles["SESSION"]?["fingerprint"], sessionKey.fingerprint)
        let claims = try Self.claims(of: token)
        XCTAssertEqual((claims["exp"] as? Int ?? 0) - (claims["iat"] as? Int ?? 0), 120, "tokenLifetime")
        let answer = try await client.send(.get, "/n/", signer: RequestSigner(keyId: "ST$" + token, key: sessionKey))
        XCTAssertEqual(answer.status, 200, answer.text)

        let rpst = try String(contentsOfFile: files.resourcePrincipalTokenFile, encoding: .utf8)
        XCTAssertEqual(rpst, try self.identity(of: emulator).resourcePrincipal.token, "the files hold the handlers' resource principal")
        let rpKey = try PrivateKey(contentsOfFile: files.resourcePrincipalKeyFile, passPhrase: nil)
        let asFunction = try await client.send(.get, "/n/", signer: RequestSigner(keyId: "ST$" + rpst, key: rpKey))
        XCTAssertEqual(asFunction.status, 200, asFunction.text)

        for secret in [files.sessionTokenFile, files.sessionKeyFile, files.resourcePrincipalKeyFile, files.configFile, "\(state)/identity/token_issuer_key.pem"] {
            let mode = try FileManager.default.attributesOfItem(atPath: secret)[.posixPermissions] as? Int
            XCTAssertEqual(mode, 0o600, secret)
        }

        // a second write (the next start) keeps the session key and issues a new token
        try files.write(identity: try self.identity(of: emulator), apiKey: apiKey)
        XCTAssertEqual(try PrivateKey(contentsOfFile: files.sessionKeyFile, passPhrase: nil).fingerprint, sessionKey.fingerprint)
    }

    // MARK: Helpers

    static func claims(of token: String) throws -> [String: Any] {
        let parts = token.split(separator: ".")
        XCTAssertEqual(parts.count, 3)
        let payload = try XCTUnwrap(Base64URL.decode(parts[1]))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
    }

    static func header(of token: String) throws -> [String: Any] {
        let header = try XCTUnwrap(Base64URL.decode(token.split(separator: ".")[0]))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(header)) as? [String: Any])
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8]? {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { EVP_Digest(input.baseAddress, input.count, $0.baseAddress, &length, EVP_sha256(), nil) }
        }
        return ok == 1 ? digest : nil
    }

    /// `[PROFILE]` sections of `key=value` lines.
    static func iniProfiles(_ text: String) -> [String: [String: String]] {
        var profiles: [String: [String: String]] = [:]
        var current = ""
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("[") {
                current = String(line.dropFirst().dropLast())
            } else if let equals = line.firstIndex(of: "=") {
                profiles[current, default: [:]][String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
        }
        return profiles
    }
}
