// `@flex-call-recovery/infra/engine`: the real Pulumi engine (built by `npm run engine`) driven
// offline — what the e2e harness and the CI preview use to deploy the program against the twin.
export * from "./src/engine/localPulumi";
