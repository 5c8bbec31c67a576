@testable import LuaHost
import Synchronization
import XCTest

/// The in-flight bound of one `desk.each`: never more holders than slots, a
/// freed slot goes to the oldest waiter, and once the run ends no waiting
/// call gets one.
final class CallSlotsTests: XCTestCase {
    /// Counts holders at once, and the order in which they got in.
    final class Gauge: Sendable {
        private struct State { var now = 0, peak = 0, order: [Int] = [] }
        private let state = Mutex(State())
        func enter(_ i: Int) { state.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now); $0.order.append(i) } }
        func leave() { state.withLock { $0.now -= 1 } }
        var peak: Int { state.withLock { $0.peak } }
        var order: [Int] { state.withLock { $0.order } }
    }

    func testNoMoreHoldersThanSlots() async throws {
        let slots = CallSlots(3), gauge = Gauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<30 {
                group.addTask {
                    try await CallSlots.$current.withValue(slots) {
                        try await CallSlots.holding {
                            gauge.enter(i)
                            try await Task.sleep(for: .milliseconds(2))
                            gauge.leave()
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        XCTAssertEqual(gauge.peak, 3)
        XCTAssertEqual(gauge.order.count, 30)
    }

    func testAFreedSlotGoesToTheOldestWaiter() async throws {
        let slots = CallSlots(1), gauge = Gauge()
        try await slots.acquire()
        var waiters: [Task<Void, Error>] = []
        for i in 0..<5 {
            waiters.append(Task { try await slots.acquire(); gauge.enter(i); slots.release() })
            // Each one queued before the next starts.
            while slots.waitingCount < i + 1 { await Task.yield() }
        }
        slots.release()
        for w in waiters { try await w.value }
        XCTAssertEqual(gauge.order, [0, 1, 2, 3, 4])
    }

    func testClosingRefusesWaitersAndLaterCallsButNotHolders() async throws {
        let slots = CallSlots(1)
        try await slots.acquire()   // a call in flight
        let waiter = Task { try await slots.acquire() }
        while slots.waitingCount < 1 { await Task.yield() }
        slots.close()
        do {
            try await waiter.value
            XCTFail("a waiting call got a slot after the run ended")
        } catch let e as HostError {
            XCTAssertTrue(e.message.contains("not sent"), e.message)
        }
        do {
            try await slots.acquire()
            XCTFail("a call got a slot after the run ended")
        } catch is HostError {}
        slots.release()   // the call in flight finishes as it was
    }

    func testACancelledWaiterLeavesWithoutASlot() async throws {
        let slots = CallSlots(1)
        try await slots.acquire()
        let waiter = Task { try await slots.acquire() }
        while slots.waitingCount < 1 { await Task.yield() }
        waiter.cancel()
        do { try await waiter.value; XCTFail("cancelled waiter got a slot") } catch is CancellationError {}
        slots.release()
        // The slot is free again: the cancelled waiter did not take it.
        try await slots.acquire()
        slots.release()
    }

    func testWithoutSlotsTheBodyRunsUnbounded() async throws {
        XCTAssertNil(CallSlots.current)
        let value = try await CallSlots.holding { 42 }
        XCTAssertEqual(value, 42)
    }
}
