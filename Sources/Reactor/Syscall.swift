#if canImport(Glibc)
    import Glibc
#endif

/// The outcome of a non-blocking system call.
public enum IOResult<T> {
    /// The call completed with this value.
    case done(T)
    /// The call would block (EAGAIN/EWOULDBLOCK, or EINPROGRESS for connect).
    case wouldBlock
}

/// The one wrapper every system call of the project goes through.
///
/// Retries `EINTR`, maps `EAGAIN`/`EWOULDBLOCK`/`EINPROGRESS` to `.wouldBlock`, traps on `EBADF` and
/// `EFAULT` (those are our bugs, never the peer's), and throws `IOError` for everything else.
@inline(__always)
@usableFromInline
func syscall<T: FixedWidthInteger>(
    _ operation: @autoclosure () -> String, _ body: () -> T
) throws(IOError) -> IOResult<T> {
    try syscallOutcome(operation(), body).get()
}

/// `syscall` as a value rather than a throw, for closures passed through `rethrows` buffer APIs.
@inline(__always)
@usableFromInline
func syscallOutcome<T: FixedWidthInteger>(
    _ operation: @autoclosure () -> String, _ body: () -> T
) -> Result<IOResult<T>, IOError> {
    while true {
        let result = body()
        if result >= 0 { return .success(.done(result)) }
        let code = errno
        switch code {
        case EINTR: continue
        case EAGAIN, EWOULDBLOCK, EINPROGRESS: return .success(.wouldBlock)
        case EBADF, EFAULT:
            preconditionFailure("\(operation()): \(String(cString: strerror(code))): a bug, not an I/O error")
        default: return .failure(IOError(operation(), errno: code))
        }
    }
}

/// Like `syscall`, for calls that never block: a would-block result is itself an error.
@inline(__always)
@usableFromInline
func syscallBlocking<T: FixedWidthInteger>(
    _ operation: @autoclosure () -> String, _ body: () -> T
) throws(IOError) -> T {
    switch try syscall(operation(), body) {
    case .done(let value): return value
    case .wouldBlock: throw IOError(operation(), errno: EAGAIN)
    }
}

/// Closes a descriptor; EINTR from close is not retried (the descriptor is gone either way on Linux).
@usableFromInline
func closeDescriptor(_ fd: Int32) {
    let result = Glibc.close(fd)
    if result < 0 && errno == EBADF { preconditionFailure("close(\(fd)): EBADF: descriptor closed twice") }
}
