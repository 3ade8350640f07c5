extension ShopError {
    /// 401: no credentials, or credentials that are not (or no longer) valid.
    public static func unauthorized(_ reason: String) -> ShopError {
        ShopError(status: 401, code: "unauthorized", message: "unable to authenticate: \(reason)")
    }

    /// 403: valid credentials that do not allow this.
    public static func forbidden(_ reason: String) -> ShopError {
        ShopError(status: 403, code: "forbidden", message: "unable to authorize: \(reason)")
    }

    /// 401 for a failed log-in: the same for an unknown email and a wrong password.
    public static let wrongCredentials = unauthorized("wrong email or password")

    /// 503: too many password hashes are queued; the client should retry.
    public static let hashingBusy = ShopError(
        status: 503, code: "unavailable", message: "unable to check the password now: retry later")
}
