import Foundation
import Hummingbird

/// Building OCI-shaped answers.
enum Responses {
    static let jsonContentType = "application/json"

    /// A JSON answer with optional extra headers (etag, opc-next-page ...).
    static func json<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok, headers: [String: String] = [:]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(value)
        var fields = self.fields(headers)
        fields[.contentType] = self.jsonContentType
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// An answer without a body (204 for deletes, or headers only).
    static func empty(status: HTTPResponse.Status = .noContent, headers: [String: String] = [:]) -> Response {
        Response(status: status, headers: self.fields(headers))
    }

    static func fields(_ headers: [String: String]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            fields[named: name] = value
        }
        return fields
    }

    /// A resource's JSON without some of its fields: OCI's list answers carry summaries (no `config`, ...).
    static func summary<Value: Encodable>(_ value: Value, without fields: Set<String>) throws -> JSONValue {
        let full = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        guard case .object(let members) = full else { return full }
        return .object(members.filter { !fields.contains($0.key) })
    }
}
