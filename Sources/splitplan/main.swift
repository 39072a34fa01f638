import SplitPlanCLI
import Foundation
exit(SplitPlanCommand.run())
