import Core
import JSON

/// The status page of the admin port, as HAProxy's stats page: each upstream's state, last check,
/// requests in flight, answers, failures and mean latency; HTML for people, JSON for programs. Pure.
enum StatusPage {
    struct Row: Sendable {
        var name: String
        var address: String
        var weight: Int
        var state: String
        var check: String
        var active: Int
        var requests: Int
        var failures: Int
        var meanMilliseconds: Double
    }

    static func rows(_ targets: [UpstreamTarget], checksEnabled: Bool) -> [Row] {
        targets.map { target in
            let requests = target.requests.load(ordering: .relaxed)
            let micros = target.totalMicros.load(ordering: .relaxed)
            let up = target.isUp.load(ordering: .relaxed)
            return Row(
                name: target.name, address: target.address.description, weight: target.weight,
                state: target.isRemoved.load(ordering: .relaxed) ? "draining" : up ? "up" : "down",
                check: checksEnabled ? target.checkSummary.withLock { $0 } : "checks off",
                active: target.activeRequests.load(ordering: .relaxed), requests: requests,
                failures: target.failures.load(ordering: .relaxed),
                meanMilliseconds: requests == 0 ? 0 : Double(micros) / Double(requests) / 1000)
        }
    }

    static func json(_ rows: [Row], algorithm: BalancingAlgorithm, source: String) -> String {
        let upstreams = rows.map { row -> JSONValue in
            .object(
                JSONObject([
                    ("name", .string(row.name)), ("address", .string(row.address)), ("weight", .integer(row.weight)),
                    ("state", .string(row.state)), ("check", .string(row.check)),
                    ("active_requests", .integer(row.active)),
                    ("requests", .integer(row.requests)), ("failures", .integer(row.failures)),
                    ("mean_latency_ms", .double((row.meanMilliseconds * 1000).rounded() / 1000)),
                ]))
        }
        let document = JSONObject([
            ("algorithm", .string(algorithm.rawValue)), ("upstream_source", .string(source)),
            ("upstreams", .array(upstreams)),
        ])
        return JSONValue.object(document).prettyPrinted() + "\n"
    }

    static func html(_ rows: [Row], algorithm: BalancingAlgorithm, source: String) -> String {
        var table = ""
        for row in rows {
            let color = row.state == "up" ? "#1a7f37" : row.state == "down" ? "#cf222e" : "#9a6700"
            table += "<tr><td>\(escape(row.name))</td><td>\(escape(row.address))</td><td>\(row.weight)</td>"
            table += "<td style=\"color:\(color);font-weight:bold\">\(row.state)</td><td>\(escape(row.check))</td>"
            table += "<td>\(row.active)</td><td>\(row.requests)</td><td>\(row.failures)</td>"
            table += "<td>\(String(format3: row.meanMilliseconds))</td></tr>\n"
        }
        if rows.isEmpty { table = "<tr><td colspan=\"9\">no upstreams</td></tr>\n" }
        return """
            <!doctype html>
            <html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
            <title>balancer status</title>
            <style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}
            td,th{border:1px solid #d0d7de;padding:4px 10px;text-align:left}th{background:#f6f8fa}</style></head>
            <body><h1>balancer</h1><p>algorithm <b>\(algorithm.rawValue)</b>, upstreams from <b>\(escape(source))</b>
            (refreshes every 2 s; <a href="/status.json">JSON</a>, <a href="/metrics">metrics</a>)</p>
            <table><tr><th>upstream</th><th>address</th><th>weight</th><th>state</th><th>last check</th>
            <th>in flight</th><th>requests</th><th>failures</th><th>mean ms</th></tr>
            \(table)</table></body></html>

            """
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}

extension String {
    /// `value` with three decimals, without Foundation.
    fileprivate init(format3 value: Double) {
        let thousandths = Int((value * 1000).rounded())
        let fraction = thousandths % 1000
        self = "\(thousandths / 1000)." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + "\(fraction)"
    }
}
