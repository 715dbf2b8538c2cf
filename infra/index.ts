// Entry point of the Pulumi program (Pulumi.yaml `main: infra/`): read config, build the
// recovery stack, export its outputs (every SID, the functions' domain and URLs, the plugin
// version). All logic lives in src/.
import * as pulumi from "@pulumi/pulumi";
import { recoveryProgram } from "./src/program";

// Raw config values: secrets are only checked for presence here; the providers read the token
// in their own process.
const stack = recoveryProgram({ get: (key) => pulumi.runtime.getConfig(key) }, process.env, pulumi.getStack());

export = stack.outputs();
