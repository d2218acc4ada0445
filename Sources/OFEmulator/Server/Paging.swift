/// OCI list paging: `limit` items per answer and an opaque `page` token (here the offset of the next item),
/// announced through the `opc-next-page` header while more items remain.
struct Paging: Sendable, Equatable {
    let offset: Int
    let limit: Int

    /// - Throws: 400 InvalidParameter for a limit outside 1...maxLimit or a page token this emulator did not issue.
    init(limit: String?, page: String?, defaultLimit: Int, maxLimit: Int) throws(OCIError) {
        if let limit {
            guard let value = Int(limit), (1...maxLimit).contains(value) else {
                throw .invalidParameter("limit must be a whole number from 1 to \(maxLimit), not '\(limit)'.")
            }
            self.limit = value
        } else {
            self.limit = defaultLimit
        }
        if let page {
            guard let value = Int(page), value >= 0 else {
                throw .invalidParameter("page '\(page)' is not a page token this service issued; pass the opc-next-page value of the previous answer.")
            }
            self.offset = value
        } else {
            self.offset = 0
        }
    }

    /// The items of this page and the token of the next one (nil on the last page).
    func slice<Item>(_ items: [Item]) -> (items: [Item], nextPage: String?) {
        let start = min(self.offset, items.count)
        let end = start + min(self.limit, items.count - start)
        return (Array(items[start..<end]), end < items.count ? String(end) : nil)
    }
}
