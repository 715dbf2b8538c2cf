// Test data shared by the provider suites: the built fixture folders, and the routing documents
// flex-call-recovery deploys (built once, in its vocabulary) as realistic workflow configurations.
import { join } from "path";

export { directToAgentFilter, pingWorkflowConfiguration } from "@flex-call-recovery/vocabulary";

export const FIXTURES = join(__dirname, "fixtures");
