// Entry point of the Pulumi program (Pulumi.yaml `main: infra/`): read config, build the
// components (src/program.ts), export their outputs (every SID, the functions' domain and URLs,
// the plugin version).
import * as pulumi from "@pulumi/pulumi";
import { recoveryProgram } from "./src/program";

// Raw config values: credentials are only checked for presence here; the providers read them in
// their own process.
const stack = recoveryProgram({ get: (key) => pulumi.runtime.getConfig(key) }, process.env, pulumi.getStack());

export = stack.outputs();
