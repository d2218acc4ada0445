/// HTTP dates in the IMF-fixdate form of RFC 7231 section 7.1.1.1 (`Tue, 02 Jun 2026 10:20:30 GMT`),
/// the form OCI expects in `date` and `x-date`. Pure calendar arithmetic on Unix epoch seconds, UTC only.
public enum HTTPDate {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let secondsPerDay = 86_400
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the span a four-digit year can spell.
    private static let representable = -62_135_596_800...253_402_300_799

    /// The IMF-fixdate for a Unix time; times outside years 1...9999 are clamped to that span.
    public static func format(_ unclampedEpochSeconds: Int) -> String {
        let epochSeconds = min(max(unclampedEpochSeconds, representable.lowerBound), representable.upperBound)
        let days = floorDivide(epochSeconds, secondsPerDay)
        let secondOfDay = epochSeconds - days * secondsPerDay
        let date = CivilDate(daysSinceEpoch: days)
        // 1970-01-01 was a Thursday (index 4).
        let weekday = weekdays[floorModulo(days + 4, 7)]
        let month = months[date.month - 1]
        return "\(weekday), \(padded(date.day, 2)) \(month) \(padded(date.year, 4)) "
            + "\(padded(secondOfDay / 3600, 2)):\(padded(secondOfDay / 60 % 60, 2)):\(padded(secondOfDay % 60, 2)) GMT"
    }

    /// Epoch seconds for an IMF-fixdate, or nil when the text is not one. The weekday name must be a real
    /// one but is not checked against the date: OCI's own published test date says "Thu" for a Sunday.
    public static func parse(_ text: String) -> Int? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].count == 4, parts[0].hasSuffix(","),
              weekdays.contains(String(parts[0].dropLast())),
              parts[5] == "GMT",
              let day = digits(parts[1], count: 2),
              let monthIndex = months.firstIndex(of: String(parts[2])),
              let year = digits(parts[3], count: 4)
        else { return nil }
        let clock = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3,
              let hour = digits(clock[0], count: 2), hour < 24,
              let minute = digits(clock[1], count: 2), minute < 60,
              // RFC 7231 allows 60 for a leap second.
              let second = digits(clock[2], count: 2), second <= 60
        else { return nil }
        let month = monthIndex + 1
        guard day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        return days * secondsPerDay + hour * 3600 + minute * 60 + second
    }

    private static func digits(_ text: Substring, count: Int) -> Int? {
        guard text.utf8.count == count, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int(text)
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// A proleptic Gregorian date, converted to and from days since 1970-01-01 with Howard Hinnant's
/// `days_from_civil` / `civil_from_days` algorithms (eras of 400 years starting on March 1).
struct CivilDate: Equatable {
    var year: Int
    var month: Int
    var day: Int

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    init(daysSinceEpoch: Int) {
        let shifted = daysSinceEpoch + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchBasedMonth = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * marchBasedMonth + 2) / 5 + 1
        month = marchBasedMonth < 10 ? marchBasedMonth + 3 : marchBasedMonth - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    var daysSinceEpoch: Int {
        let marchBasedYear = month <= 2 ? year - 1 : year
        let era = floorDivide(marchBasedYear, 400)
        let yearOfEra = marchBasedYear - era * 400
        let marchBasedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * marchBasedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }
}

func floorDivide(_ a: Int, _ b: Int) -> Int {
    let quotient = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
}

func floorModulo(_ a: Int, _ b: Int) -> Int {
    a - floorDivide(a, b) * b
}
