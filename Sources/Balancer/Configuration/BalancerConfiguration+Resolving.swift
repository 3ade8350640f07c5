import Core
import JSON
import Reactor

extension BalancerConfiguration {
    /// Where `balancer` looks for its file when there is no `--config`, relative to the stack's root
    /// (the supervisor's working directory).
    public static let defaultPath = "services/balancer/balancer.json"

    /// The flags `resolve` accepts; each takes a value. `-h`/`--help` are the caller's to handle first.
    public static let flags = ["--config", "--bind", "--port", "--upstream", "--log-level", "--threads"]

    /// The configuration `balancer.json`'s bytes describe, over the defaults. Pure.
    ///
    /// Throws every problem found (syntax errors, unknown fields, wrong types, out-of-range values), each
    /// with `file` as its source and the field's path.
    public static func decode(
        json bytes: [UInt8], file: String = "balancer.json"
    )
        throws(BalancerConfigurationError) -> BalancerConfiguration
    {
        var configuration = BalancerConfiguration()
        var decoder = BalancerConfigurationDecoder(source: file)
        decoder.decodeFile(bytes, into: &configuration)
        if !decoder.problems.isEmpty { throw BalancerConfigurationError(decoder.problems) }
        return configuration
    }

    /// The configuration from the file's bytes (or the defaults when `bytes` is nil), overridden by
    /// `environment` (`STACK_ADDRESS`, `STACK_PORT`, `STACK_PUBLISH`, `STACK_DISCOVERY_FILE`,
    /// `BALANCER_UPSTREAM_SERVICE`, `LOG_LEVEL`), then by `arguments` (`--bind`, `--port`, repeated
    /// `--upstream host:port` replacing the upstreams with a fixed list, `--log-level`; `--config` is
    /// skipped, `load` reads it). Pure.
    ///
    /// Throws every problem found, in the file, the environment and the flags, and in their combination
    /// (a service without a discovery file, an admin port past 65535).
    public static func resolve(
        file bytes: [UInt8]?, named file: String = "balancer.json", environment: [String: String],
        arguments: [String]
    ) throws(BalancerConfigurationError) -> BalancerConfiguration {
        var configuration = BalancerConfiguration()
        var decoder = BalancerConfigurationDecoder(source: file)
        if let bytes { decoder.decodeFile(bytes, into: &configuration) }
        var overrides = Overrides()
        overrides.apply(environment: environment, to: &configuration)
        overrides.apply(arguments: arguments, to: &configuration)
        var problems = decoder.problems + overrides.problems
        problems += crossChecks(configuration, file: file)
        if !problems.isEmpty { throw BalancerConfigurationError(problems) }
        return configuration
    }

    /// Reads the file `--config` names (or `defaultPath`, which may be absent: then the defaults apply)
    /// and resolves it with `environment` and `arguments`. The one function here that does I/O.
    public static func load(
        environment: [String: String], arguments: [String]
    )
        throws(BalancerConfigurationError) -> BalancerConfiguration
    {
        let explicit = configurationPath(arguments: arguments)
        let path = explicit ?? defaultPath
        let bytes = try load(path: path)
        if bytes == nil, explicit != nil {
            throw BalancerConfigurationError(source: "--config", reason: "no such file: \(path)")
        }
        return try resolve(file: bytes, named: path, environment: environment, arguments: arguments)
    }

    /// The bytes of the file at `path`, or nil when there is none.
    public static func load(path: String) throws(BalancerConfigurationError) -> [UInt8]? {
        do {
            return try FileSystem.read(path)
        } catch {
            throw BalancerConfigurationError(source: path, reason: "\(error)")
        }
    }

    /// The value of the last `--config` in `arguments`, if any.
    public static func configurationPath(arguments: [String]) -> String? {
        var path: String? = nil
        var index = 0
        while index < arguments.count {
            if arguments[index] == "--config", index + 1 < arguments.count { path = arguments[index + 1] }
            index += flags.contains(arguments[index]) ? 2 : 1
        }
        return path
    }

    /// Problems only the finished configuration shows.
    private static func crossChecks(
        _ configuration: BalancerConfiguration, file: String
    )
        -> [BalancerConfigurationError.Problem]
    {
        var problems: [BalancerConfigurationError.Problem] = []
        if case .service(let name) = configuration.upstreams, configuration.discoveryFile == nil {
            problems.append(
                .init(
                    source: "STACK_DISCOVERY_FILE",
                    reason: "required to find the instances of \(JSONValue.quoted(name)) (the stack sets it); "
                        + "or give --upstream <host>:<port>"))
        }
        if case .portOffset(let offset) = configuration.admin, let port = configuration.listenAddress.port,
            port != 0, port + offset > 65_535
        {
            problems.append(
                .init(
                    source: file, path: "admin.port_offset",
                    reason: "port \(port) + \(offset) is past 65535; choose a smaller offset or admin.address"))
        }
        return problems
    }
}

extension BalancerConfigurationDecoder {
    /// Parses `bytes` and decodes them over `configuration`, recording a syntax error as a problem.
    mutating func decodeFile(_ bytes: [UInt8], into configuration: inout BalancerConfiguration) {
        do {
            let root = try JSONParser.parse(bytes)
            decode(root, into: &configuration)
        } catch {
            report("", "expected JSON: \(error)")
        }
    }
}
