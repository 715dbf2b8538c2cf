// `@flex-call-recovery/functions/outcomes`: the recoveries report for tools outside the functions
// (the e2e demo reads a run's outcomes with it).
export { recoveries, render, type RecoveriesResult } from "./src/outcomes/report";
