// `npm run size -w plugin`: bytes of each output raw (unminified), minified and min+gzip.
// The main bundle loads on every Flex page; the chunks load only during a recovery.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { build } from "esbuild";
import { buildTargets } from "./buildConfig";
import { buildPlugin } from "./build";

/** DESIGN §7 P4: what loads on every page, minified and gzipped. */
export const MAIN_BUDGET_BYTES = 15 * 1024;

export interface SizeRow {
  label: string;
  file: string;
  raw: number;
  minified: number;
  gzipped: number;
}

export async function measure(): Promise<SizeRow[]> {
  await buildPlugin();
  const raw = buildTargets(false);
  const rows: SizeRow[] = [];
  for (const target of buildTargets(true)) {
    const file = target.options.outfile as string;
    const minified = fs.readFileSync(file);
    const unminified = await build({ ...raw.find((r) => r.label === target.label)!.options, write: false });
    rows.push({
      label: target.label,
      file: path.basename(file),
      raw: unminified.outputFiles[0].contents.byteLength,
      minified: minified.byteLength,
      gzipped: zlib.gzipSync(minified, { level: 9 }).byteLength,
    });
  }
  return rows;
}

if (require.main === module) {
  measure().then(
    (rows) => {
      if (process.argv.includes("--json")) {
        console.log(JSON.stringify(rows));
        return;
      }
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`.padStart(9);
      console.log(
        `${"output".padEnd(14)}${"raw".padStart(9)}${"minified".padStart(10)}${"min+gzip".padStart(10)}  file`,
      );
      for (const r of rows)
        console.log(`${r.label.padEnd(14)}${kb(r.raw)} ${kb(r.minified)} ${kb(r.gzipped)}  ${r.file}`);
      const main = rows[0];
      const verdict = main.gzipped <= MAIN_BUDGET_BYTES ? "within" : "OVER";
      console.log(
        `main bundle: ${main.gzipped} bytes min+gzip, ${verdict} the ${MAIN_BUDGET_BYTES}-byte budget (chunks load lazily)`,
      );
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
