import Foundation
import XCTest

@testable import OFEmulator

/// ListObjects' selection, grouping and paging, and byte ranges: pure functions.
final class ObjectListingTests: XCTestCase {
    private let names = ["a", "b/1", "b/2", "b/c/3", "c", "d/", "é", "z"]

    func testFiltersByPrefixStartEndAndStartAfter() throws {
        XCTAssertEqual(list(["prefix": "b/"]), ["b/1", "b/2", "b/c/3"])
        XCTAssertEqual(list(["start": "b/2", "end": "d/"]), ["b/2", "b/c/3", "c"], "start is inclusive, end exclusive")
        XCTAssertEqual(list(["startAfter": "c"]), ["d/", "z", "é"])
    }

    func testNamesAreOrderedByTheirBytes() {
        XCTAssertEqual(list([:]).suffix(2), ["z", "é"], "é is 0xC3 0xA9, after z")
    }

    func testDelimiterGroupsIntoPrefixes() throws {
        let top = ObjectListing.list(infos(), query: try ListObjectsQuery(query: ["delimiter": "/"]))
        XCTAssertEqual(top.objects.map(\.name), ["a", "c", "z", "é"])
        XCTAssertEqual(top.prefixes, ["b/", "d/"])
        let inside = ObjectListing.list(infos(), query: try ListObjectsQuery(query: ["delimiter": "/", "prefix": "b/"]))
        XCTAssertEqual(inside.objects.map(\.name), ["b/1", "b/2"])
        XCTAssertEqual(inside.prefixes, ["b/c/"])
        XCTAssertNil(ObjectListing.list(infos(), query: ListObjectsQuery()).prefixes, "no prefixes without a delimiter")
    }

    func testPagingWithNextStartWithVisitsEveryNameOnce() throws {
        var seen: [String] = []
        var start: String?
        repeat {
            var query = ["limit": "3"]
            query["start"] = start
            let page = ObjectListing.list(infos(), query: try ListObjectsQuery(query: query))
            XCTAssertLessThanOrEqual(page.objects.count, 3)
            seen += page.objects.map(\.name)
            start = page.nextStartWith
        } while start != nil
        XCTAssertEqual(seen, list([:]))
    }

    func testPagingCountsPrefixGroupsAsOneEntry() throws {
        let first = ObjectListing.list(infos(), query: try ListObjectsQuery(query: ["delimiter": "/", "limit": "2"]))
        XCTAssertEqual(first.objects.map(\.name), ["a"])
        XCTAssertEqual(first.prefixes, ["b/"])
        XCTAssertEqual(first.nextStartWith, "c")
    }

    func testFieldsChooseWhatEachEntryCarries() throws {
        let bare = ObjectListing.list(infos(), query: ListObjectsQuery()).objects[0]
        XCTAssertEqual(bare, ObjectSummary(name: "a"))
        let full = ObjectListing.list(infos(), query: try ListObjectsQuery(query: ["fields": "name,size,md5,etag,timeCreated"])).objects[0]
        XCTAssertEqual(full.size, 1)
        XCTAssertEqual(full.md5, "md5-a")
        XCTAssertEqual(full.etag, "etag-a")
        XCTAssertEqual(full.timeCreated, "1970-01-01T00:00:00.000Z")
        XCTAssertNil(full.timeModified)
    }

    func testQueryErrorsNameTheParameter() {
        for (query, mention) in [(["limit": "1001"], "limit"), (["limit": "x"], "limit"), (["delimiter": ","], "delimiter"), (["fields": "name,colour"], "colour")] {
            XCTAssertThrowsError(try ListObjectsQuery(query: query)) { error in
                XCTAssertTrue((error as? OCIError)?.message.contains(mention) == true, "\(error)")
            }
        }
    }

    func testByteRanges() {
        XCTAssertEqual(ByteRange.resolve(nil, size: 10), .whole)
        XCTAssertEqual(ByteRange.resolve("bytes=2-4", size: 10), .part(2..<5))
        XCTAssertEqual(ByteRange.resolve("bytes=8-", size: 10), .part(8..<10))
        XCTAssertEqual(ByteRange.resolve("bytes=5-100", size: 10), .part(5..<10), "an end past the object is cut")
        XCTAssertEqual(ByteRange.resolve("bytes=-3", size: 10), .part(7..<10), "a suffix range")
        XCTAssertEqual(ByteRange.resolve("bytes=-30", size: 10), .part(0..<10))
        XCTAssertEqual(ByteRange.resolve("bytes=10-", size: 10), .unsatisfiable)
        XCTAssertEqual(ByteRange.resolve("bytes=0-0", size: 0), .unsatisfiable)
        XCTAssertEqual(ByteRange.resolve("bytes=4-2", size: 10), .whole, "a malformed range asks for everything")
        XCTAssertEqual(ByteRange.resolve("bytes=0-1,3-4", size: 10), .whole, "several ranges are not supported")
        XCTAssertEqual(ByteRange.resolve("items=1-2", size: 10), .whole)
    }

    // MARK: Helpers

    private func infos() -> [ObjectInfo] {
        names.sorted(by: ObjectListing.precedes).map { name in
            ObjectInfo(
                name: name, size: 1, md5: "md5-\(name)", multipartMD5: nil, etag: "etag-\(name)", contentType: "text/plain",
                metadata: [:], timeCreated: Date(timeIntervalSince1970: 0), timeModified: Date(timeIntervalSince1970: 0))
        }
    }

    private func list(_ query: [String: String]) -> [String] {
        (try? ObjectListing.list(infos(), query: ListObjectsQuery(query: query)).objects.map(\.name)) ?? ["<bad query>"]
    }
}

/// Query and path decoding, and paging tokens.
final class RequestPartsTests: XCTestCase {
    func testQueryIsFormDecodedOnce() throws {
        let query = try RequestParts.query("prefix=a+b%2Fc&fields=name%2Csize&empty=&flag&x=%2541")
        XCTAssertEqual(query, ["prefix": "a b/c", "fields": "name,size", "empty": "", "flag": "", "x": "%41"])
        XCTAssertEqual(try RequestParts.query(nil), [:])
        XCTAssertThrowsError(try RequestParts.query("a=%zz"))
    }

    func testPathSegmentsDecodeOnceAndKeepPlus() throws {
        XCTAssertEqual(try RequestParts.pathDecode("a%2Fb%20c+d%C3%BC"), "a/b c+dü")
        XCTAssertThrowsError(try RequestParts.pathDecode("100%"))
    }

    func testSplitPathKeepsTheRestRaw() {
        let (segments, rest) = RequestParts.splitPath("/n/ns/b/bkt/o/a/b%2Fc//d", leading: 5)
        XCTAssertEqual(segments, ["n", "ns", "b", "bkt", "o"])
        XCTAssertEqual(rest, "a/b%2Fc//d")
        XCTAssertNil(RequestParts.splitPath("/n/ns/b", leading: 5).rest)
    }

    func testPagingSlicesAndIssuesTheNextToken() throws {
        let items = Array(1...25)
        let first = try Paging(limit: nil, page: nil, defaultLimit: 10, maxLimit: 50).slice(items)
        XCTAssertEqual(first.items, Array(1...10))
        XCTAssertEqual(first.nextPage, "10")
        let last = try Paging(limit: "10", page: "20", defaultLimit: 10, maxLimit: 50).slice(items)
        XCTAssertEqual(last.items, Array(21...25))
        XCTAssertNil(last.nextPage)
        XCTAssertEqual(try Paging(limit: nil, page: "99", defaultLimit: 10, maxLimit: 50).slice(items).items, [])
        XCTAssertThrowsError(try Paging(limit: "51", page: nil, defaultLimit: 10, maxLimit: 50))
        XCTAssertThrowsError(try Paging(limit: "0", page: nil, defaultLimit: 10, maxLimit: 50))
        XCTAssertThrowsError(try Paging(limit: nil, page: "abc", defaultLimit: 10, maxLimit: 50))
    }
}
