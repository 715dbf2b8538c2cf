// `npm run size -w plugin`: bytes of each output raw (unminified), minified and min+gzip, and the
// two figures that matter: what Flex downloads on every page load (the main bundle), and what a
// recovery needs on top (the Sync chunk; the dialog is inside the main bundle). The supervisor
// chunk loads for supervisors only and is in neither total.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { buildPlugin } from "./build";
import { BUILD_DIR } from "./buildConfig";

/** What loads on every page, min+gzip. */
export const PAGE_BUDGET_BYTES = 15 * 1024;
/** Everything the dialog and the live state need, min+gzip. */
export const RECOVERY_PATH_BUDGET_BYTES = 120 * 1024;

export interface SizeRow {
  label: string;
  file: string;
  raw: number;
  minified: number;
  gzipped: number;
}

export interface Sizes {
  rows: SizeRow[];
  /** Main bundle, min+gzip. */
  pageBytes: number;
  /** Main bundle + Sync chunk, min+gzip. */
  recoveryPathBytes: number;
}

const gzip = (bytes: Buffer) => zlib.gzipSync(bytes, { level: 9 }).byteLength;

export async function measure(): Promise<Sizes> {
  const raw = await buildPlugin(false);
  const rawBytes = {
    main: fs.readFileSync(raw.main).byteLength,
    sync: fs.readFileSync(path.join(BUILD_DIR, raw.chunks.sync)).byteLength,
    supervisor: fs.readFileSync(path.join(BUILD_DIR, raw.chunks.supervisor)).byteLength,
  };
  const built = await buildPlugin(true);
  const files = { main: path.basename(built.main), ...built.chunks };
  const rows = (["main", "sync", "supervisor"] as const).map((label) => {
    const minified = fs.readFileSync(path.join(BUILD_DIR, files[label]));
    return { label, file: files[label], raw: rawBytes[label], minified: minified.byteLength, gzipped: gzip(minified) };
  });
  return { rows, pageBytes: rows[0].gzipped, recoveryPathBytes: rows[0].gzipped + rows[1].gzipped };
}

if (require.main === module) {
  measure().then(
    (sizes) => {
      if (process.argv.includes("--json")) {
        console.log(JSON.stringify(sizes));
        return;
      }
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`.padStart(9);
      console.log(
        `${"output".padEnd(8)}${"raw".padStart(9)}${"minified".padStart(10)}${"min+gzip".padStart(10)}  file`,
      );
      for (const r of sizes.rows)
        console.log(`${r.label.padEnd(8)}${kb(r.raw)} ${kb(r.minified)} ${kb(r.gzipped)}  ${r.file}`);
      const verdict = (n: number, budget: number) => `${n} B min+gzip (${n <= budget ? "within" : "OVER"} ${budget} B)`;
      console.log(`every page load: ${verdict(sizes.pageBytes, PAGE_BUDGET_BYTES)}`);
      console.log(`recovery path:   ${verdict(sizes.recoveryPathBytes, RECOVERY_PATH_BUDGET_BYTES)}`);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
