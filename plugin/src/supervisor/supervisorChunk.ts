// Entry of the supervisor chunk's classic script: hands the view to the main bundle (see lazy/chunks).
import { registerChunk } from "../lazy/chunks";
import { registerRecoveriesView } from "./RecoveriesView";

registerChunk("supervisor", { registerRecoveriesView });
