import CShims

/// How much memory the process's heap holds: what a store compares with its maxmemory, as Redis asks
/// its allocator rather than the kernel (resident size also counts freed pages not yet returned).
public enum HeapUsage {
    /// Bytes allocated and not freed (glibc's mallinfo2: in-use arena bytes plus mmapped blocks).
    public static var bytesInUse: Int { Int(cshim_heap_bytes_in_use()) }
}
