import Core
import RESP

/// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT] (Redis's `shutdownCommand`).
///
/// The executor only parses and hands over to `shutdownHandler`, which the server sets: it closes the
/// listener and every client and ends the process, so on success there is no reply, as in Redis.
extension CommandExecutor {
    /// What SHUTDOWN asked for about saving.
    public enum ShutdownSave: Sendable, Equatable {
        /// Neither SAVE nor NOSAVE: save when save points are configured.
        case configured
        /// SAVE: save even without save points.
        case save
        /// NOSAVE: do not save.
        case noSave
    }

    static var shutdownCommands: [CommandSpec] {
        [CommandSpec("shutdown", arity: -1, flags: [.admin, .loading, .stale]) { $0.shutdown(&$1) }]
    }

    func shutdown(_ request: inout CommandRequest) {
        var save = false
        var noSave = false
        var abort = false
        for index in 1..<max(1, request.count) {
            if request.argument(index, is: "NOSAVE") {
                noSave = true
            } else if request.argument(index, is: "SAVE") {
                save = true
            } else if request.argument(index, is: "NOW") || request.argument(index, is: "FORCE") {
                continue  // No replicas to wait for and no save that could fail: both are what we do anyway.
            } else if request.argument(index, is: "ABORT") {
                abort = true
            } else {
                return request.replySyntaxError()
            }
        }
        if (save && noSave) || (abort && request.count != 2) { return request.replySyntaxError() }
        // A shutdown here never waits, so there is never one in progress to abort.
        if abort { return request.replyError("ERR No shutdown in progress.") }
        request.client.shouldClose = true
        shutdownHandler?(save ? .save : noSave ? .noSave : .configured, request.client)
    }
}
