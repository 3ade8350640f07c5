@testable import ShopAPI

/// The `ShopError` that `body` throws, or nil when it throws nothing (or something else).
func shopError(_ body: () throws -> Void) -> ShopError? {
    do {
        try body()
        return nil
    } catch {
        return error as? ShopError
    }
}
