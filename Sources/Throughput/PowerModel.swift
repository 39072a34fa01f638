import ClusterModel
import Foundation

/// Power per phase and the effect of a power cap.
///
/// A cap lowers the GPU's clock until its draw fits. Dynamic power grows roughly with the cube of the
/// clock (P ∝ C·V²·f with V ∝ f), so the clock falls to ((limit − idle) / (phase − idle))^(1/3) of its
/// uncapped value. Only compute slows: memory-bound decode barely changes. For an H100 capped to 350 W,
/// prefill (700 W) gets (275/625)^(1/3) = 0.76 of its speed, +31 % time, as Splitwise measured (+30 %).
public struct PowerModel: Sendable {
    public let deployment: Deployment

    public init(_ deployment: Deployment) { self.deployment = deployment }

    public static let clockPowerExponent = 3.0

    /// Fraction of full compute speed left to a phase that draws `phaseWatts` per GPU uncapped.
    public func computeSpeed(phaseWatts: Double) -> Double {
        let gpu = deployment.gpu, limit = deployment.powerCap.gpuPowerLimitWatts
        guard limit < phaseWatts, phaseWatts > gpu.idleWatts else { return 1 }
        let ratio = max(limit - gpu.idleWatts, 1) / (phaseWatts - gpu.idleWatts)
        return pow(ratio, 1 / Self.clockPowerExponent)
    }

    /// Non-GPU draw of the machine: its provisioned power less the GPUs' TDP.
    public var hostKW: Double {
        let machine = deployment.machine
        return max(machine.powerKW - Double(machine.gpuCount) * deployment.gpu.tdpWatts / 1000, 0)
    }

    /// Whole-machine draw with every GPU in one phase, capped GPUs held to their limit.
    public func machineKW(gpuWatts: Double) -> Double {
        let perGPU = min(gpuWatts, deployment.powerCap.gpuPowerLimitWatts)
        let draw = hostKW + Double(deployment.machine.gpuCount) * perGPU / 1000
        return min(draw, provisionedKW)
    }

    public var promptKW: Double { machineKW(gpuWatts: deployment.gpu.promptWatts) }
    public var tokenKW: Double { machineKW(gpuWatts: deployment.gpu.tokenWatts) }
    public var idleKW: Double { machineKW(gpuWatts: deployment.gpu.idleWatts) }

    /// What the machine is provisioned for at its cap: the figure power budgets count.
    public var provisionedKW: Double { deployment.machine.provisionedPowerKW(capFraction: deployment.powerCap.fraction) }
}
