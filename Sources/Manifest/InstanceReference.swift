import JSON

/// A `{{service.attribute}}` reference in a `command` argument or `environment` value, filled in per
/// instance by `StackSpec.resolveInstances` once every instance has its address.
///
/// | Reference                 | Becomes                                                      |
/// |---------------------------|--------------------------------------------------------------|
/// | `{{store.addresses}}`     | every instance's `address:port`, comma-separated, by index    |
/// | `{{store.hosts}}`         | every instance's address, comma-separated                     |
/// | `{{store.port}}`          | the service's port                                            |
/// | `{{store.replicas}}`      | the number of instances                                       |
/// | `{{store.2.address}}`     | instance 2's `address:port` (1-based, as in `store-2`)        |
/// | `{{store.2.host}}`        | instance 2's address                                          |
/// | `{{store.2.name}}`        | `store-2`                                                     |
///
/// Spaces inside the braces are ignored. There is no escape: `{{` always starts a reference.
public struct InstanceReference: Sendable, Hashable, CustomStringConvertible {
    /// What a reference asks for.
    public enum Attribute: Sendable, Hashable {
        case addresses, hosts, port, replicas
        case address(index: Int)
        case host(index: Int)
        case name(index: Int)
    }

    /// The referenced service.
    public var service: String
    /// What of it.
    public var attribute: Attribute

    /// One piece of a string with references.
    enum Segment: Equatable {
        case literal(String)
        case reference(InstanceReference)
    }

    /// Splits `text` into literal text and references; fails on the first malformed `{{…}}`.
    static func segments(of text: String) -> Result<[Segment], ReferenceFailure> {
        guard text.contains("{{") else { return .success([.literal(text)]) }
        var segments: [Segment] = []
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            if open.lowerBound > rest.startIndex { segments.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                return .failure(ReferenceFailure(message: "unterminated {{ in \(JSONValue.quoted(text))"))
            }
            let body = rest[open.upperBound..<close.lowerBound].trimmingSpaces()
            guard let reference = InstanceReference(body) else {
                return .failure(
                    ReferenceFailure(
                        message: "invalid reference {{\(body)}}; expected {{service.addresses}}, {{service.hosts}}, "
                            + "{{service.port}}, {{service.replicas}} or {{service.N.address|host|name}}"))
            }
            segments.append(.reference(reference))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { segments.append(.literal(String(rest))) }
        return .success(segments)
    }

    /// Parses the inside of the braces: `store.addresses`, `store.1.address`.
    init?(_ body: Substring) {
        let parts = body.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, ManifestDecoder.isName(parts[0]) else { return nil }
        service = parts[0]
        if parts.count == 2 {
            switch parts[1] {
            case "addresses": attribute = .addresses
            case "hosts": attribute = .hosts
            case "port": attribute = .port
            case "replicas": attribute = .replicas
            default: return nil
            }
            return
        }
        guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let index = Int(parts[1]), index >= 1 else {
            return nil
        }
        switch parts[2] {
        case "address": attribute = .address(index: index)
        case "host": attribute = .host(index: index)
        case "name": attribute = .name(index: index)
        default: return nil
        }
    }

    /// The instance index the reference needs, if it names one.
    var index: Int? {
        switch attribute {
        case .address(let index), .host(let index), .name(let index): return index
        case .addresses, .hosts, .port, .replicas: return nil
        }
    }

    /// The reference as written, braces included.
    public var description: String {
        switch attribute {
        case .addresses: return "{{\(service).addresses}}"
        case .hosts: return "{{\(service).hosts}}"
        case .port: return "{{\(service).port}}"
        case .replicas: return "{{\(service).replicas}}"
        case .address(let index): return "{{\(service).\(index).address}}"
        case .host(let index): return "{{\(service).\(index).host}}"
        case .name(let index): return "{{\(service).\(index).name}}"
        }
    }
}

/// Why a `{{…}}` reference is malformed.
struct ReferenceFailure: Error, Equatable {
    var message: String
}
