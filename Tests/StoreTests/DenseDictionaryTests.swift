import Testing

@testable import Store

@Suite struct DenseDictionaryTests {
    /// SplitMix64, so the random operations are the same on every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private func key(_ index: Int) -> StoreKey { StoreKey("key:\(index)") }

    /// Every entry reachable by position agrees with the lookups, and positions run 0..<count.
    private func checkConsistent(_ table: DenseDictionary<Int>, against model: [StoreKey: Int]) {
        #expect(table.count == model.count)
        #expect(table.keys.count == model.count)
        for position in 0..<table.count {
            #expect(table.position(of: table.key(at: position)) == position)
            #expect(model[table.key(at: position)] == table.value(at: position))
        }
        for (key, value) in model { #expect(table[key] == value) }
    }

    @Test("Inserts, overwrites, removes, grows past the bucket count and shrinks back")
    func insertRemoveGrowShrink() {
        var table = DenseDictionary<Int>()
        #expect(table.isEmpty && table.bucketCount == 0 && table[key(1)] == nil)
        for index in 0..<1000 { table.set(index, for: key(index)) }
        #expect(table.count == 1000)
        #expect(table.bucketCount == 1024)
        table.set(-7, for: key(7))
        #expect(table.count == 1000 && table[key(7)] == -7)
        #expect(table.remove(key(7)) == -7)
        #expect(table.remove(key(7)) == nil)
        #expect(table[key(7)] == nil && table.count == 999)
        for index in 0..<990 { table.remove(key(index)) }
        #expect(table.count == 10)
        #expect(table.bucketCount <= 32)
        checkConsistent(table, against: Dictionary(uniqueKeysWithValues: (990..<1000).map { (key($0), $0) }))
        table.removeAll()
        #expect(table.isEmpty && table.bucketCount == 0 && table.position(of: key(995)) == nil)
    }

    @Test("Modifies a value in place at its position")
    func modifyInPlace() {
        var table = DenseDictionary<[Int]>()
        table.set([1], for: "list")
        let position = table.position(of: "list")!
        table.modify(at: position) { $0.append(2) }
        #expect(table["list"] == [1, 2])
    }

    @Test("Random inserts and removals agree with a Swift Dictionary", arguments: [1, 2, 3] as [UInt64])
    func randomOperationsMatchModel(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        var table = DenseDictionary<Int>()
        var model: [StoreKey: Int] = [:]
        for step in 0..<20_000 {
            // Phases that favour inserts, then removals, so the table grows and shrinks several times.
            let insertBias = (step / 2_500) % 2 == 0 ? 70 : 30
            // Long keys too, which StoreKey keeps on the heap.
            let index = Int.random(in: 0..<3_000, using: &generator)
            let key = index % 5 == 0 ? StoreKey(String(repeating: "long-", count: 6) + "\(index)") : key(index)
            if Int.random(in: 0..<100, using: &generator) < insertBias {
                table.set(step, for: key)
                model[key] = step
            } else {
                #expect(table.remove(key) == model.removeValue(forKey: key))
            }
            if step % 1_000 == 0 { checkConsistent(table, against: model) }
        }
        checkConsistent(table, against: model)
        #expect(table.bucketCount >= table.count)
    }

    @Test("A scan returns every key present throughout, while keys come and go and the table resizes")
    func scanSurvivesChangesAndResizes() {
        var generator = SeededGenerator(state: 9)
        var table = DenseDictionary<Int>()
        // Keys 0..<500 stay for the whole scan; others are inserted and removed in bulk between calls,
        // which doubles and halves the table several times during the scan.
        let stable = Set((0..<500).map(key))
        for index in 0..<500 { table.set(index, for: key(index)) }
        var seen = Set<StoreKey>()
        var cursor = 0
        var calls = 0
        var sizes = Set<Int>()
        repeat {
            cursor = table.scan(cursor: cursor) { seen.insert(table.key(at: $0)) }
            calls += 1
            sizes.insert(table.bucketCount)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0:
                for index in 0..<Int.random(in: 1...3_000, using: &generator) {
                    table.set(index, for: key(10_000 + index))
                }
            case 1:
                for index in 0..<3_000 { table.remove(key(10_000 + index)) }
            default:
                break
            }
        } while cursor != 0 && calls < 100_000
        #expect(cursor == 0)
        #expect(stable.isSubset(of: seen))
        #expect(sizes.count >= 3)
    }

    @Test("A keyspace entry takes 64 bytes: key, chain link in the key's padding, value")
    func entryLayout() {
        #expect(MemoryLayout<StoreKey>.size <= 28)  // leaves 4 bytes of padding for the Int32 link
        #expect(MemoryLayout<StoreValue>.size <= 32)
        #expect(MemoryLayout<DenseDictionary<StoreValue>.Entry>.stride == 64)
    }

    @Test("Bit reversal of the SCAN cursor")
    func bitReversal() {
        #expect(UInt64(1).bitReversed == 1 << 63)
        #expect(UInt64(0b1011).bitReversed == 0b1101 << 60)
        #expect(UInt64(0x0123_4567_89AB_CDEF).bitReversed.bitReversed == 0x0123_4567_89AB_CDEF)
    }
}
