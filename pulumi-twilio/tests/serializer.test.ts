// Pulumi serializes each dynamic provider by parsing its function text with the TypeScript that
// `@pulumi/pulumi/typescript-shim` finds: `require("typescript")`, else its vendored 3.8.3, which
// cannot parse what tsx/esbuild emit for classes (e.g. `static{__name(this,"X")}`, class static
// blocks, TypeScript 4.4+). This package depends on a current `typescript` so the shim finds it
// in every install (`npm ci --omit=dev` included); this test fails if that ever stops being true.
import { dirname } from "path";
import * as pulumi from "@pulumi/pulumi";
import { taskQueueProvider } from "../src/taskQueue";
import { serverlessDeploymentProvider } from "../src/serverlessDeployment";
import { configureCredentials } from "../src/client";

test("the TypeScript Pulumi's serializer loads is ours (5.x), not the vendored 3.8", () => {
  const shim = require.resolve("@pulumi/pulumi/typescript-shim");
  const found = require.resolve("typescript", { paths: [dirname(shim)] });
  const version = (require(found) as { version: string }).version;
  expect(Number(version.split(".")[0])).toBeGreaterThanOrEqual(5);
  const pkg = require("../package.json") as { dependencies: Record<string, string> };
  expect(pkg.dependencies.typescript).toBe(version);
});

test("that TypeScript parses a class static block, which the vendored one cannot", () => {
  const parse = (ts: typeof import("typescript")) =>
    (
      ts.createSourceFile(
        "x.js",
        'class X { static { __name(this, "X"); } }',
        ts.ScriptTarget.Latest,
        true,
      ) as unknown as {
        parseDiagnostics: unknown[];
      }
    ).parseDiagnostics.length;
  expect(parse(require("@pulumi/pulumi/typescript-shim"))).toBe(0);
  const vendored = require
    .resolve("@pulumi/pulumi/typescript-shim")
    .replace(/typescript-shim\.js$/, "vendor/typescript@3.8.3/typescript.js");
  expect(parse(require(vendored))).toBeGreaterThan(0);
});

test("providers serialize with the twin redirect inside, and their text (the `__provider` in state) holds no credential", async () => {
  const saved = { ...process.env };
  Object.assign(process.env, {
    TWILIO_AUTH_TOKEN: "auth-token-must-not-leak",
    TWILIO_API_SECRET: "api-secret-must-not-leak",
  });
  try {
    for (const provider of [taskQueueProvider, serverlessDeploymentProvider]) {
      await configureCredentials({
        config: { get: (k: string) => (k === "twilio:authToken" ? "config-token-must-not-leak" : undefined) },
      } as never);
      const serialized = await pulumi.runtime.serializeFunction(() => provider, { isFactoryFunction: true });
      expect(serialized.text.length).toBeGreaterThan(0);
      expect(serialized.text).not.toMatch(/must-not-leak/);
      // The twin redirect travels by value: its text, never a require of the twin or a TS file.
      expect(serialized.text).toMatch(/function \/\*toTwinRequest\*\/\(twinBaseUrl, opts, correlationId\)/);
      expect(serialized.text).not.toMatch(/require\("[^"]*(twin|\.ts)[^"]*"\)/);
    }
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}, 60_000);
