import Foundation

/// A wall-clock limit on a whole command (`--time-limit`): every solve gets what is left of it, and a
/// simulation stops once it has passed, so no question runs away however it is posed.
public struct Deadline: Sendable, Equatable {
    public let limitSeconds: Double
    private let endNanoseconds: UInt64

    /// Starts now; limits beyond a year count as none.
    public init(limitSeconds: Double) {
        self.limitSeconds = limitSeconds
        let now = DispatchTime.now().uptimeNanoseconds
        let span = limitSeconds.isFinite && limitSeconds < 3.2e7 ? UInt64(max(0, limitSeconds) * 1e9) : UInt64(Int64.max)
        endNanoseconds = now.addingReportingOverflow(span).overflow ? .max : now + span
    }

    public var remainingSeconds: Double {
        let now = DispatchTime.now().uptimeNanoseconds
        return now >= endNanoseconds ? 0 : Double(endNanoseconds - now) / 1e9
    }

    public var hasPassed: Bool { DispatchTime.now().uptimeNanoseconds >= endNanoseconds }
}
