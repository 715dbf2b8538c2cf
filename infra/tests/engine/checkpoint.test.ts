// The README's recovery after an `up` killed while the file backend wrote the checkpoint: the
// previous checkpoint, kept as `<stack>.json.bak`, goes back over the truncated `<stack>.json`.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { LocalPulumi } from "../../src/engine/localPulumi";

test("restoreCheckpointBackup puts <stack>.json.bak back over a truncated <stack>.json", async () => {
  const pulumi = await LocalPulumi.open({ stack: "restore" });
  try {
    const stacks = join(pulumi.workDir, "state", ".pulumi", "stacks", "flex-call-recovery");
    mkdirSync(stacks, { recursive: true });
    writeFileSync(join(stacks, "restore.json"), "");
    writeFileSync(join(stacks, "restore.json.bak"), '{"version":3}');
    writeFileSync(join(stacks, "other.json.bak"), '{"other":true}');
    expect(pulumi.restoreCheckpointBackup()).toBe(true);
    expect(readFileSync(join(stacks, "restore.json"), "utf8")).toBe('{"version":3}');
    // The stack's own backup only.
    expect(() => readFileSync(join(stacks, "other.json"), "utf8")).toThrow();
  } finally {
    pulumi.dispose();
  }
});

test("restoreCheckpointBackup says so when there is no backup", async () => {
  const pulumi = await LocalPulumi.open({ stack: "nobackup" });
  try {
    // `stack init` already leaves a backup beside the new checkpoint; take it away.
    const stacks = join(pulumi.workDir, "state", ".pulumi", "stacks");
    for (const file of readdirSync(stacks, { recursive: true, encoding: "utf8" })) {
      if (file.endsWith(".bak")) rmSync(join(stacks, file));
    }
    expect(pulumi.restoreCheckpointBackup()).toBe(false);
  } finally {
    pulumi.dispose();
  }
});
