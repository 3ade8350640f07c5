/// The listing's indexes: `products` and `products:{category}`, sorted sets of product ids (score = id). Pure.
///
/// Every write of a product document (v1 or classic) queues these in the same MULTI..EXEC as the document, so a
/// listing never shows a product that is gone, misses one that exists, or files one under its old category.
extension CatalogProduct {
    /// The writes that list product `id` under `category`, taking it out of `oldCategory` when that differs.
    public static func indexWrites(id: Int, category: String, replacing oldCategory: String?) -> [[String]] {
        let member = String(id)
        var commands: [[String]] = []
        if let oldCategory, oldCategory != category {
            commands.append(["ZREM", categoryIndexKey(oldCategory), member])
        }
        commands.append(["ZADD", indexKey, member, member])
        commands.append(["ZADD", categoryIndexKey(category), member, member])
        return commands
    }

    /// The writes that take product `id` out of the listing and out of `category` (when it had one).
    public static func unindexWrites(id: Int, category: String?) -> [[String]] {
        var commands = [["ZREM", indexKey, String(id)]]
        if let category { commands.append(["ZREM", categoryIndexKey(category), String(id)]) }
        return commands
    }
}
