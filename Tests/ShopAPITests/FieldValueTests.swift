import JSON
import Testing

@testable import ShopAPI

@Suite struct FieldValueTests {
    @Test("flags accept booleans, true/false in any case, 1 and 0, and nothing else")
    func flags() {
        #expect(FieldValue.flag(.bool(true)) == true)
        #expect(FieldValue.flag(.string("True")) == true)
        #expect(FieldValue.flag(.string("1")) == true)
        #expect(FieldValue.flag(.integer(0)) == false)
        #expect(FieldValue.flag(.string("false")) == false)
        #expect(FieldValue.flag(.string("yes")) == nil)
        #expect(FieldValue.flag(.integer(2)) == nil)
        #expect(FieldValue.flag(.null) == nil)
    }

    @Test(
        "a positive integer as text has the range of a JSON integer, so every id a body creates can be named in a path")
    func positiveIntegerText() throws {
        // Was: at most 18 digits, while a JSON body took any positive Int: `PUT /product` with
        // `"id": 9223372036854775806` created a product that `GET /product?id=` refused as invalid (schemathesis).
        #expect(FieldValue.positiveInteger("9223372036854775807") == Int.max)
        #expect(FieldValue.positiveInteger(.integer(Int.max)) == FieldValue.positiveInteger(String(Int.max)))
        #expect(FieldValue.positiveInteger("9223372036854775808") == nil)
        #expect(FieldValue.positiveInteger("99999999999999999999") == nil)
        #expect(FieldValue.positiveInteger("0000000000000000007") == 7)
        #expect(FieldValue.positiveInteger("0") == nil)
        #expect(FieldValue.positiveInteger("") == nil)
        #expect(FieldValue.positiveInteger("+7") == nil)
        #expect(try Product.id(query: "9223372036854775806") == 9_223_372_036_854_775_806)
    }

    @Test("decimals are normalised to their shortest plain text")
    func decimals() {
        #expect(FieldValue.decimal(.string("012.50")) == "12.5")
        #expect(FieldValue.decimal(.string("0.00")) == "0")
        #expect(FieldValue.decimal(.string("7")) == "7")
        #expect(FieldValue.decimal(.integer(0)) == "0")
        #expect(FieldValue.decimal(.double(12.25)) == "12.25")
        #expect(FieldValue.decimal(.double(0.00001)) == "0.00001")
        #expect(FieldValue.decimal(.double(1.5e20)) == "150000000000000000000")
        for bad: JSONValue in [
            .string("-1"), .string("1e3"), .string("1."), .string(".5"), .string(""), .integer(-3),
            .double(-0.5), .bool(true), .null,
        ] {
            #expect(FieldValue.decimal(bad) == nil, "\(bad)")
        }
    }

    @Test("dates must exist: leap days only in leap years, months 1 to 12")
    func dates() {
        #expect(FieldValue.calendarDate(.string("2024-02-29")) == "2024-02-29")
        #expect(FieldValue.calendarDate(.string("2000-02-29")) == "2000-02-29")
        for bad in ["1900-02-29", "2023-02-29", "2024-13-01", "2024-04-31", "2024-1-01", "24-01-01", "0000-01-01"] {
            #expect(FieldValue.calendarDate(.string(bad)) == nil, "\(bad)")
        }
        #expect(FieldValue.calendarDate(.integer(20240101)) == nil)
    }

    @Test("email addresses need one @, a dotted domain and no spaces")
    func emails() {
        #expect(FieldValue.email("ann.lee+shop@example.co.uk") != nil)
        for bad in [
            "ann", "@example.com", "ann@", "ann@example", "ann@@example.com", "a n@example.com", "ann@.com",
            "ann@example..com", "ann@example.com.",
        ] {
            #expect(FieldValue.email(bad) == nil, "\(bad)")
        }
    }

    @Test("text must be non-empty, not blank, without control characters and at most 200 characters")
    func text() {
        #expect(FieldValue.text(.string("Ann")) == "Ann")
        #expect(FieldValue.text(.integer(5)) == "5")
        #expect(FieldValue.text(.string("")) == nil)
        #expect(FieldValue.text(.string("   ")) == nil)
        #expect(FieldValue.text(.string("a\nb")) == nil)
        #expect(FieldValue.text(.string(String(repeating: "x", count: 201))) == nil)
        #expect(FieldValue.text(.bool(true)) == nil)
    }
}
