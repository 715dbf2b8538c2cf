// The one vocabulary of flex-call-recovery. Functions, plugin, infra and twin import names from
// here; no attribute name, route or status is spelled anywhere else.
export * from "./taskAttributes";
export * from "./routing";
export * from "./state";
export * from "./functions";
export * from "./pluginSettings";
export * from "./twin";
export * from "./flexApi";
export * from "./workflowConfiguration";
export * from "./outcomes";
