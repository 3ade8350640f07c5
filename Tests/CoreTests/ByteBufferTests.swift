import Testing

@testable import Core

@Suite struct ByteBufferTests {
    @Test("written bytes read back in order")
    func roundTrip() {
        var buffer = ByteBuffer()
        buffer.writeString("hello ")
        buffer.writeBytes([0x77, 0x6f] as [UInt8])
        buffer.writeByte(UInt8(ascii: "r"))
        buffer.writeString("ld")
        #expect(buffer.readableBytes == 11)
        #expect(buffer.readString(length: 5) == "hello")
        #expect(buffer.readByte() == UInt8(ascii: " "))
        #expect(buffer.readBytes(length: 5) == Array("world".utf8))
        #expect(buffer.isEmpty)
        #expect(buffer.readByte() == nil)
    }

    @Test("reading more than is readable consumes nothing")
    func shortRead() {
        var buffer = ByteBuffer(string: "abc")
        #expect(buffer.readBytes(length: 4) == nil)
        #expect(buffer.readString(length: 4) == nil)
        #expect(buffer.readSlice(length: 4) == nil)
        #expect(buffer.readableBytes == 3)
    }

    @Test("decimal writing covers zero, negatives and the extremes")
    func decimals() {
        for value in [0, 7, -7, 10, 1234567890, Int.max, Int.min] {
            var buffer = ByteBuffer()
            buffer.writeDecimal(value)
            #expect(buffer.description == String(value))
        }
    }

    @Test("writes past the capacity grow the storage and keep the data")
    func growth() {
        var buffer = ByteBuffer(capacity: 4)
        var expected: [UInt8] = []
        for i in 0..<1000 {
            buffer.writeByte(UInt8(truncatingIfNeeded: i))
            expected.append(UInt8(truncatingIfNeeded: i))
            if i % 3 == 0 { _ = buffer.readByte(); expected.removeFirst() }
        }
        #expect(buffer.readableBytesArray == expected)
    }

    @Test("consumed space is reused before the storage grows")
    func compaction() {
        var buffer = ByteBuffer(capacity: 64)
        buffer.writeBytes([UInt8](repeating: 1, count: 60))
        buffer.moveReaderIndex(forwardBy: 50)
        buffer.writeBytes([UInt8](repeating: 2, count: 40))
        #expect(buffer.capacity == 64)
        #expect(buffer.readableBytes == 50)
        #expect(buffer.byte(at: 9) == 1)
        #expect(buffer.byte(at: 10) == 2)
    }

    @Test("consuming everything rewinds both indices")
    func rewind() {
        var buffer = ByteBuffer(string: "abc")
        buffer.moveReaderIndex(forwardBy: 3)
        #expect(buffer.readerIndex == 0 && buffer.writerIndex == 0)
    }

    @Test("spare capacity can be filled in place")
    func inPlaceWrite() {
        var buffer = ByteBuffer()
        let n = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 16) { raw in
            for i in 0..<5 { raw[i] = UInt8(ascii: "a") + UInt8(i) }
            return 5
        }
        #expect(n == 5)
        #expect(buffer.description == "abcde")
    }

    @Test("first index search is relative to the reader index")
    func search() {
        var buffer = ByteBuffer(string: "xx\r\nab\r\n")
        #expect(buffer.firstIndex(of: UInt8(ascii: "\r")) == 2)
        buffer.moveReaderIndex(forwardBy: 4)
        #expect(buffer.firstIndex(of: UInt8(ascii: "\r")) == 2)
        #expect(buffer.firstIndex(of: UInt8(ascii: "z")) == nil)
    }

    @Test("equality compares readable bytes only")
    func equality() {
        var a = ByteBuffer(string: "__hello")
        a.moveReaderIndex(forwardBy: 2)
        #expect(a == ByteBuffer(string: "hello"))
        #expect(a != ByteBuffer(string: "hellO"))
    }
}
