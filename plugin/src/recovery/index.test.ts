// The e2e scenarios drive this module from Node: it must not pull in Flex, React, Paste or the DOM.
import path from "node:path";
import { build } from "esbuild";

it("imports nothing from Flex, React, Paste or twilio-sync", async () => {
  const result = await build({
    entryPoints: [path.join(__dirname, "index.ts")],
    bundle: true,
    write: false,
    platform: "node",
    packages: "external",
    metafile: true,
    logLevel: "silent",
  });
  const imported = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
  expect(imported.filter((p) => /^(react|react-dom|@twilio\/flex-ui|@twilio-paste|twilio-sync)(\/|$)/.test(p))).toEqual(
    [],
  );
  // And it really is the module graph of the controller (the check above is not vacuous).
  expect(Object.keys(result.metafile.inputs).some((p) => p.endsWith("recovery/controller.ts"))).toBe(true);
});
