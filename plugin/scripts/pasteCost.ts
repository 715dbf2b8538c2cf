// `npx tsx plugin/scripts/pasteCost.ts`: what each Twilio Paste piece the dialog could use costs on
// its own (min+gzip, React external, as in the plugin's build). The figures decided that the dialog
// is plain React: the lightest piece alone is more than the recovery path's budget leaves.
import zlib from "node:zlib";
import { build } from "esbuild";

const PIECES: Record<string, string> = {
  "Theme.Provider (@twilio-paste/core/theme)": `export { Theme } from "@twilio-paste/core/theme";`,
  "Theme.Provider (@twilio-paste/theme, direct)": `export { Theme } from "@twilio-paste/theme";`,
  "Box (@twilio-paste/box, direct)": `export { Box } from "@twilio-paste/box";`,
  "Box (@twilio-paste/core/box)": `export { Box } from "@twilio-paste/core/box";`,
  Paragraph: `export { Paragraph } from "@twilio-paste/core/paragraph";`,
  Heading: `export { Heading } from "@twilio-paste/core/heading";`,
  Stack: `export { Stack } from "@twilio-paste/core/stack";`,
  Spinner: `export { Spinner } from "@twilio-paste/core/spinner";`,
  Callout: `export { Callout, CalloutText } from "@twilio-paste/core/callout";`,
  Button: `export { Button } from "@twilio-paste/core/button";`,
  Modal: `export { Modal, ModalBody, ModalFooter, ModalFooterActions } from "@twilio-paste/core/modal";`,
  "all of the above (the former dialog chunk)": `export { Theme } from "@twilio-paste/core/theme";
export { Modal, ModalBody, ModalFooter, ModalFooterActions } from "@twilio-paste/core/modal";
export { Heading } from "@twilio-paste/core/heading"; export { Paragraph } from "@twilio-paste/core/paragraph";
export { Spinner } from "@twilio-paste/core/spinner"; export { Callout, CalloutText } from "@twilio-paste/core/callout";
export { Button } from "@twilio-paste/core/button"; export { Stack } from "@twilio-paste/core/stack";`,
};

export async function pasteCosts(): Promise<{ piece: string; gzipped: number }[]> {
  const rows = [];
  for (const [piece, contents] of Object.entries(PIECES)) {
    const out = await build({
      stdin: { contents, resolveDir: __dirname, loader: "js" },
      bundle: true,
      minify: true,
      write: false,
      format: "esm",
      platform: "browser",
      external: ["react", "react-dom"],
      define: { "process.env.NODE_ENV": JSON.stringify("production") },
      logLevel: "error",
    });
    rows.push({ piece, gzipped: zlib.gzipSync(out.outputFiles[0].contents, { level: 9 }).byteLength });
  }
  return rows;
}

if (require.main === module) {
  pasteCosts().then(
    (rows) => rows.forEach((r) => console.log(`${(r.gzipped / 1024).toFixed(1).padStart(7)} KB  ${r.piece}`)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
