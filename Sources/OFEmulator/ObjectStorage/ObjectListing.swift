import Foundation

/// ListObjects' query: which names, how many, which fields.
struct ListObjectsQuery: Sendable, Equatable {
    enum Field: String, Sendable, CaseIterable {
        case name, size, etag, md5, timeCreated, timeModified, storageTier, archivalState
    }

    static let maxLimit = 1000

    var prefix = ""
    /// First name to list (inclusive).
    var start: String?
    /// First name not to list (exclusive).
    var end: String?
    /// List names after this one (exclusive).
    var startAfter: String?
    var limit = Self.maxLimit
    /// Only `/` is supported, as in OCI.
    var delimiter: String?
    var fields: Set<Field> = [.name]

    init() {}

    init(query: [String: String]) throws(OCIError) {
        self.prefix = query["prefix"] ?? ""
        self.start = query["start"]
        self.end = query["end"]
        self.startAfter = query["startAfter"]
        if let limit = query["limit"] {
            guard let value = Int(limit), (1...Self.maxLimit).contains(value) else {
                throw .invalidParameter("limit must be a whole number from 1 to \(Self.maxLimit), not '\(limit)'.")
            }
            self.limit = value
        }
        if let delimiter = query["delimiter"] {
            guard delimiter == "/" else {
                throw .invalidParameter("delimiter '\(delimiter)' is not supported; Object Storage only supports '/'.")
            }
            self.delimiter = delimiter
        }
        if let fields = query["fields"] {
            var chosen: Set<Field> = [.name]
            for name in fields.split(separator: ",") {
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                guard let field = Field(rawValue: trimmed) else {
                    throw .invalidParameter("fields holds '\(trimmed)', which is not one of \(Field.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                chosen.insert(field)
            }
            self.fields = chosen
        }
    }
}

/// ListObjects over names kept in byte order: filters, `/` grouping into prefixes, and `nextStartWith` paging.
enum ObjectListing {
    /// OCI orders object names by their UTF-8 bytes.
    static func precedes(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    /// The objects and pseudo-folders one answer holds, before they are shaped as ListObjects or ListObjectVersions entries.
    struct Selection {
        var objects: [ObjectInfo]
        /// nil without a delimiter.
        var prefixes: [String]?
        /// The name the next answer starts with, when the limit cut this one short.
        var nextStartWith: String?
    }

    /// - Parameter objects: the objects of the bucket (at least those the query selects), sorted with `precedes`.
    static func list(_ objects: [ObjectInfo], query: ListObjectsQuery) -> ListObjectsResult {
        let selection = self.select(objects, query: query)
        return ListObjectsResult(
            objects: selection.objects.map { self.summary(of: $0, fields: query.fields) }, prefixes: selection.prefixes,
            nextStartWith: selection.nextStartWith)
    }

    /// ListObjectVersions with versioning off: each object is its own one version.
    static func listVersions(_ objects: [ObjectInfo], query: ListObjectsQuery) -> (collection: ObjectVersionCollection, nextPage: String?) {
        let selection = self.select(objects, query: query)
        let items = selection.objects.map { info in
            let summary = self.summary(of: info, fields: query.fields)
            return ObjectVersionSummary(
                name: summary.name, size: summary.size, md5: summary.md5, timeCreated: summary.timeCreated,
                timeModified: summary.timeModified, etag: summary.etag, storageTier: summary.storageTier,
                versionId: info.versionId ?? info.etag, isDeleteMarker: false)
        }
        return (ObjectVersionCollection(items: items, prefixes: selection.prefixes), selection.nextStartWith)
    }

    static func select(_ objects: [ObjectInfo], query: ListObjectsQuery) -> Selection {
        var chosen: [ObjectInfo] = []
        var prefixes: [String] = []
        var nextStartWith: String?
        var count = 0
        for info in objects where self.isSelected(info.name, by: query) {
            let group = query.delimiter.flatMap { self.group(of: info.name, prefix: query.prefix, delimiter: $0) }
            if let group, group == prefixes.last { continue }
            if count == query.limit {
                nextStartWith = info.name
                break
            }
            count += 1
            if let group {
                prefixes.append(group)
            } else {
                chosen.append(info)
            }
        }
        return Selection(objects: chosen, prefixes: query.delimiter == nil ? nil : prefixes, nextStartWith: nextStartWith)
    }

    static func isSelected(_ name: String, by query: ListObjectsQuery) -> Bool {
        name.utf8.starts(with: query.prefix.utf8)
            && query.start.map { !self.precedes(name, $0) } ?? true
            && query.startAfter.map { self.precedes($0, name) } ?? true
            && query.end.map { self.precedes(name, $0) } ?? true
    }

    /// The pseudo-folder a name falls in: the prefix plus the rest up to and including the first delimiter.
    private static func group(of name: String, prefix: String, delimiter: String) -> String? {
        let rest = name.utf8.dropFirst(prefix.utf8.count)
        guard let cut = rest.firstIndex(of: delimiter.utf8.first ?? UInt8(ascii: "/")) else { return nil }
        return String(decoding: name.utf8[..<name.utf8.index(after: cut)], as: UTF8.self)
    }

    private static func summary(of info: ObjectInfo, fields: Set<ListObjectsQuery.Field>) -> ObjectSummary {
        ObjectSummary(
            name: info.name,
            size: fields.contains(.size) ? info.size : nil,
            etag: fields.contains(.etag) ? info.etag : nil,
            md5: fields.contains(.md5) ? (info.multipartMD5 ?? info.md5) : nil,
            timeCreated: fields.contains(.timeCreated) ? Identifiers.timestamp(info.timeCreated) : nil,
            timeModified: fields.contains(.timeModified) ? Identifiers.timestamp(info.timeModified) : nil,
            storageTier: fields.contains(.storageTier) ? info.tier.rawValue : nil
        )
    }
}

/// A `Range: bytes=...` request against an object of `size` bytes (one range, as OCI supports).
enum ByteRange: Equatable {
    case whole
    case part(Range<Int>)
    case unsatisfiable

    /// A header that is absent or not a single byte range asks for the whole object, as RFC 9110 says.
    static func resolve(_ header: String?, size: Int) -> ByteRange {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else { return .whole }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count == 2 else { return .whole }
        let (first, last) = (bounds[0], bounds[1])
        if first.isEmpty {
            // Suffix range: the last N bytes.
            guard let length = Int(last), length >= 0 else { return .whole }
            guard length > 0, size > 0 else { return .unsatisfiable }
            return .part(max(0, size - length)..<size)
        }
        guard let start = Int(first), start >= 0 else { return .whole }
        guard start < size else { return .unsatisfiable }
        if last.isEmpty { return .part(start..<size) }
        guard let end = Int(last), end >= start else { return .whole }
        return .part(start..<min(end, size - 1) + 1)
    }
}
