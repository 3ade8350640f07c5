/// The errors of the catalog writes and purchases. Pure.
extension ShopError {
    /// 503: every attempt of an optimistic transaction lost to a concurrent change of its keys.
    public static let transactionConflict = ShopError(
        status: 503, code: "conflict_retries_exhausted",
        message: "unable to complete the request: too many concurrent changes, retry later")

    /// 409: these lines of `items` ask for more than is left; nothing was bought.
    public static func insufficientStock(_ shortages: [PurchaseDecision.Shortage]) -> ShopError {
        ShopError(
            status: 409, code: "insufficient_stock",
            message: "unable to purchase: not enough stock for "
                + shortages.map { "items[\($0.index)]" }.joined(separator: ", "),
            fields: shortages.map { ("items[\($0.index)]", "only \($0.left) left") })
    }

    /// 404: `items[index]` names no product.
    public static func unknownProduct(index: Int, productID: Int) -> ShopError {
        ShopError(
            status: 404, code: "not_found", message: "product \(productID) not found",
            fields: [("items[\(index)].product_id", "no such product")])
    }

    /// 409: `items[index]`'s product has no price (it was written by the classic routes only).
    public static func notForSale(index: Int, productID: Int) -> ShopError {
        ShopError(
            status: 409, code: "not_for_sale", message: "unable to purchase: product \(productID) has no price",
            fields: [("items[\(index)].product_id", "has no price")])
    }

    /// 422: the `Idempotency-Key` was used before for a purchase with other items.
    public static let idempotencyKeyReused = ShopError(
        status: 422, code: "idempotency_key_reused",
        message: "unable to accept the request: this Idempotency-Key was used for a different purchase",
        fields: [("Idempotency-Key", "was used for a different purchase")])
}
