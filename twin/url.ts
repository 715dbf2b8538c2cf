// `@flex-call-recovery/twin/url`: how any client reaches the twin (no dependencies, safe to bundle).
export { fromTwinPath, toTwinUrl, TWIN_CORRELATION_HEADER } from "./src/url";
