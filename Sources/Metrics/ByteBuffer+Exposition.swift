import Core

// The lexical pieces of the Prometheus text format 0.0.4: escaping and number formatting.
extension ByteBuffer {
    /// Appends `text` escaped for a `# HELP` line: backslash and newline become `\\` and `\n`.
    mutating func writeHelpText(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): writeString("\\\\")
            case UInt8(ascii: "\n"): writeString("\\n")
            default: writeByte(byte)
            }
        }
    }

    /// Appends `value` escaped for a quoted label value: backslash, double quote and newline.
    mutating func writeLabelValue(_ value: String) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): writeString("\\\\")
            case UInt8(ascii: "\""): writeString("\\\"")
            case UInt8(ascii: "\n"): writeString("\\n")
            default: writeByte(byte)
            }
        }
    }

    /// Appends `value` as Prometheus parses it: `+Inf`, `-Inf`, `NaN`, integral values without a
    /// fraction (`1`, `300`), everything else in Swift's shortest round-tripping form (`0.005`, `1e+20`),
    /// which Go's `strconv.ParseFloat` reads back exactly.
    mutating func writeSampleValue(_ value: Double) {
        if value.isNaN {
            writeString("NaN")
        } else if value.isInfinite {
            writeString(value > 0 ? "+Inf" : "-Inf")
        } else if value == value.rounded(.towardZero) && value.magnitude < 9_007_199_254_740_992 {
            // Below 2^53 every integral double is exactly an Int: the common case, written without allocating.
            writeDecimal(Int(value))
        } else {
            writeString(value.description)
        }
    }
}

extension ByteBuffer {
    /// Appends the `# HELP` and `# TYPE` lines that open a family.
    mutating func writeFamilyHeader(name: String, help: String, type: MetricType) {
        writeString("# HELP ")
        writeString(name)
        writeByte(UInt8(ascii: " "))
        writeHelpText(help)
        writeString("\n# TYPE ")
        writeString(name)
        writeByte(UInt8(ascii: " "))
        writeString(type.rawValue)
        writeByte(UInt8(ascii: "\n"))
    }

    /// Appends one sample line: `name{labels} value`, braces omitted when `labels` is empty.
    ///
    /// `labels` is already rendered (`a="x",b="y"`); `extraLabel` (the histogram's `le="..."`) follows it.
    mutating func writeSample(
        name: String, suffix: String = "", labels: ByteBuffer, extraLabel: ByteBuffer? = nil, value: Double
    ) {
        writeString(name)
        writeString(suffix)
        if !labels.isEmpty || extraLabel != nil {
            writeByte(UInt8(ascii: "{"))
            writeBuffer(labels)
            if let extraLabel {
                if !labels.isEmpty { writeByte(UInt8(ascii: ",")) }
                writeBuffer(extraLabel)
            }
            writeByte(UInt8(ascii: "}"))
        }
        writeByte(UInt8(ascii: " "))
        writeSampleValue(value)
        writeByte(UInt8(ascii: "\n"))
    }
}
