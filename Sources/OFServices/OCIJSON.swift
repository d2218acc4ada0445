// JSON in and out of OCI's APIs (camelCase, as the services write it).
import FoundationEssentials

enum OCIJSON {
    struct ErrorBody: Decodable {
        let code: String?
        let message: String?
    }

    static func errorBody(_ bytes: [UInt8]) -> ErrorBody? {
        guard !bytes.isEmpty else { return nil }
        return try? JSONDecoder().decode(ErrorBody.self, from: Data(bytes))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], operation: String) throws(ClientError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            let start = String(decoding: bytes.prefix(200), as: UTF8.self)
            throw ClientError(.unexpectedResponse, "\(operation) answered something that is not the expected JSON (\(error)); the answer began with: \(start). Check that the endpoint is an OCI service.")
        }
    }

    static func encode<T: Encodable>(_ value: T) throws(ClientError) -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(value))
        } catch {
            throw ClientError(.invalidArgument, "could not write the request as JSON: \(error)")
        }
    }
}
