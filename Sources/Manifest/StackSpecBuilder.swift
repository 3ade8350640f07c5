import JSON

/// Builds a `StackSpec` from manifest layers: decode each file, merge them, interpolate, apply defaults,
/// validate everything (collecting every problem), freeze.
///
/// The supervisor's sequence: `addLayer` for each `-f` file; read the file at `envFilePath` into
/// `envFile`; generate values for `missingSecrets` and write them to the env file (and `envFile`);
/// then `build()`. Pure: no file access here (see `StackSpec.load` for the version that reads files).
public struct StackSpecBuilder: Sendable {
    /// The parsed files, in order: later ones override earlier ones.
    public private(set) var layers: [(name: String, tree: JSONValue)] = []
    /// The process environment. It wins over `envFile`, as in compose.
    public var environment: [String: String]
    /// The env file's variables.
    public var envFile: EnvironmentFile

    /// A builder with no layers yet.
    public init(environment: [String: String] = [:], envFile: EnvironmentFile = EnvironmentFile()) {
        self.environment = environment
        self.envFile = envFile
    }

    /// Parses `bytes` as one manifest file named `name` and lays it over the previous layers.
    ///
    /// - Throws: `unreadable`, "unable to load <name>: <reason> at line L, column C", if it is not JSON.
    public mutating func addLayer(_ bytes: [UInt8], name: String) throws(ManifestError) {
        do {
            layers.append((name, try JSONParser.parse(bytes)))
        } catch {
            throw .unreadable(name, error.description)
        }
    }

    /// Every layer merged, compose-style: objects merge member by member, arrays and scalars replace.
    public var merged: JSONValue {
        layers.dropFirst().reduce(layers.first?.tree ?? .object(JSONObject())) { $0.merged(with: $1.tree) }
    }

    /// The env file path the merged manifest names (default `.env`), as written: relative paths are
    /// relative to the first file's directory. Not interpolated.
    public var envFilePath: String {
        if case .object(let root) = merged, case .string(let path)? = root["env_file"], !path.isEmpty { return path }
        return ".env"
    }

    /// The variables interpolation sees: the env file overlaid with the process environment.
    public var variables: [String: String] { envFile.dictionary.merging(environment, uniquingKeysWith: { $1 }) }

    /// The names in the merged manifest's `secrets` that neither the env file nor the environment
    /// defines, in manifest order: the ones the supervisor must generate.
    public var missingSecrets: [String] {
        guard case .object(let root) = merged, case .array(let names)? = root["secrets"] else { return [] }
        let defined = variables
        return names.compactMap { value in
            guard case .string(let name) = value, EnvironmentFile.isVariableName(name), defined[name] == nil else {
                return nil
            }
            return name
        }
    }

    /// The validated, immutable stack.
    ///
    /// - Throws: `invalid`, "unable to validate <first file>: N problems", listing every problem: unset
    ///   variables, wrong types, unknown fields, bad values, dependency cycles, published address clashes,
    ///   a subnet too small, undefined secrets.
    public func build() throws(ManifestError) -> StackSpec {
        var problems: [ManifestProblem] = []
        let variables = self.variables
        let tree = merged.interpolated(with: Interpolator(variables: variables), path: "", problems: &problems)
        var decoder = ManifestDecoder(problems: problems)
        let stack = decoder.decodeStack(tree, variables: variables)
        decoder.checkAcrossServices(of: stack)
        guard decoder.problems.isEmpty else {
            throw .invalid(layers.map(\.name).joined(separator: " + "), decoder.problems)
        }
        return stack
    }
}
