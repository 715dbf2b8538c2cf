// Content hash of a built folder: what decides a redeploy (hash the sources only, so
// timestamps and paths never cause one). Reading files here is not a side effect on Twilio.
import { createHash } from "crypto";
import { readFileSync, readdirSync, statSync } from "fs";
import { join } from "path";

/** Relative paths (with `/`) of every file under `dir`, sorted. */
export function listFilesRecursive(dir: string, rel = ""): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true })
    .flatMap((entry) => {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name === "node_modules") return [];
      return entry.isDirectory() ? listFilesRecursive(dir, child) : [child];
    })
    .sort();
}

/** sha256 over each file's relative path and content; throws a clear error when `dir` is missing. */
export function hashDirectory(dir: string, what: string): string {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`${what}: folder ${dir} not found — build it first`);
  }
  const hash = createHash("sha256");
  for (const file of listFilesRecursive(dir)) {
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(join(dir, file)))
      .update("\0");
  }
  return hash.digest("hex");
}
