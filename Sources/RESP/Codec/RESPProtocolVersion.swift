/// The RESP dialect a connection speaks: RESP2 by default, RESP3 after `HELLO 3`.
///
/// Encoders take it as a parameter because one server writes both: the same reply is written natively in
/// RESP3 and downgraded in RESP2 exactly as Redis does (maps become flat arrays, doubles bulk strings...).
public enum RESPProtocolVersion: Int, Sendable, Hashable, CaseIterable {
    /// The original protocol: simple strings, errors, integers, bulk strings and arrays only.
    case resp2 = 2
    /// RESP3: adds null, double, boolean, blob error, verbatim string, big number, map, set, attribute, push.
    case resp3 = 3
}
