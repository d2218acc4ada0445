/// Standard base64 (RFC 4648 section 4, `+/` alphabet, `=` padding), as OCI uses for signatures and
/// `x-content-sha256`.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, symbol) in alphabet.enumerated() {
            table[Int(symbol)] = UInt8(value)
        }
        return table
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(group >> 18 & 0x3F)])
            out.append(alphabet[Int(group >> 12 & 0x3F)])
            out.append(remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            out.append(remaining > 2 ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Strict decoding: the length must be a multiple of four, padding only at the end, no whitespace,
    /// no stray bits.
    /// Returns nil for anything else, so a mangled signature is rejected rather than half-read.
    static func decode(_ text: String) -> [UInt8]? {
        let symbols = Array(text.utf8)
        guard symbols.count % 4 == 0 else { return nil }
        var padding = 0
        if symbols.last == UInt8(ascii: "=") { padding += 1 }
        if symbols.count >= 2, symbols[symbols.count - 2] == UInt8(ascii: "=") { padding += 1 }
        var out = [UInt8]()
        out.reserveCapacity(symbols.count / 4 * 3)
        var index = 0
        while index < symbols.count {
            let isLastGroup = index + 4 == symbols.count
            let groupPadding = isLastGroup ? padding : 0
            var group: UInt32 = 0
            for offset in 0..<4 {
                let symbol = symbols[index + offset]
                if offset >= 4 - groupPadding {
                    group <<= 6
                    continue
                }
                let value = decodeTable[Int(symbol)]
                guard value != 0xFF else { return nil }
                group = group << 6 | UInt32(value)
            }
            // Bits below the padding must be zero, so each byte string has exactly one encoding.
            let unusedBits: UInt32 = groupPadding == 2 ? 0xFFFF : groupPadding == 1 ? 0xFF : 0
            guard group & unusedBits == 0 else { return nil }
            out.append(UInt8(group >> 16 & 0xFF))
            if groupPadding < 2 { out.append(UInt8(group >> 8 & 0xFF)) }
            if groupPadding < 1 { out.append(UInt8(group & 0xFF)) }
            index += 4
        }
        return out
    }
}
