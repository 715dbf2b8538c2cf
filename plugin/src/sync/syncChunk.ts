// Entry of the Sync chunk's classic script: hands the watcher to the main bundle (see lazy/chunks).
import { registerChunk } from "../lazy/chunks";
import { createStateWatcher } from "./stateWatcher";

registerChunk("sync", { createStateWatcher });
