/// Items waiting for a time, taken earliest first (a binary min-heap; ties in the order given).
struct DueQueue<Item: Sendable>: Sendable {
    private struct Entry: Sendable {
        let due: Double
        let order: Int
        let item: Item

        func before(_ other: Entry) -> Bool { due < other.due || (due == other.due && order < other.order) }
    }

    private var heap: [Entry] = []
    private var nextOrder = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    /// When the earliest item is due.
    var earliest: Double? { heap.first?.due }

    mutating func insert(_ item: Item, due: Double) {
        heap.append(Entry(due: due, order: nextOrder, item: item))
        nextOrder &+= 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].before(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// The earliest item when it is due at `now`, removed.
    mutating func popDue(now: Double) -> Item? {
        guard let first = heap.first, first.due <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count, heap[left].before(heap[smallest]) { smallest = left }
                if right < heap.count, heap[right].before(heap[smallest]) { smallest = right }
                guard smallest != parent else { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first.item
    }
}
