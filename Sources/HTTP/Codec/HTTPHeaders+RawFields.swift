import Core

// Byte-level access to the fields, for code that forwards heads (the balancer): it filters and copies
// fields without making a String per name and value.

extension HTTPHeaders {
    /// Calls `body` with each field's name and value bytes, in order of arrival. The pointers are valid
    /// only during the call. Names are as received (compare them case-insensitively).
    public func forEachRawField(
        _ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void
    ) rethrows {
        try bytes.withUnsafeBytes { storage in
            for field in fields {
                try body(
                    UnsafeRawBufferPointer(rebasing: storage[field.nameRange]),
                    UnsafeRawBufferPointer(rebasing: storage[field.valueRange]))
            }
        }
    }
}
