export { TwinRequestClient, twilioClientForTwin } from "./twinRequestClient";
export type { TwinClientOptions, TwinRequestClientOptions, TwinTarget } from "./twinRequestClient";
export { redirectServerlessApiToTwin } from "../url";
