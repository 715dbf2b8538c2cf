// Entry of the main bundle, run by Flex's plugin loader as a classic <script>. Flex identifies the
// plugin by the script being executed, so `Plugins.init` must run synchronously here.
import { Plugins } from "@twilio/flex-ui";
import { rememberBundleUrl } from "./lazy/chunks";
import { FlexCallRecoveryPlugin } from "./FlexCallRecoveryPlugin";

rememberBundleUrl();
Plugins.init(FlexCallRecoveryPlugin as never);
