// `npm run dev -w plugin`: the plugin served to a local Flex the way `twilio flex:plugins:start`
// serves it (twilio/flex-plugin-builder, packages/flex-plugin-scripts/src/scripts/start/pluginServer.ts):
// a plugin-service stand-in at `/plugins` answering Flex's GET (with `X-Flex-JWE`, CORS allowed) with
// this plugin's entry, and the bundle itself, rebuilt by esbuild on every change. A local Flex whose
// `public/appConfig.js` sets `pluginService: { enabled: true, url: "http://localhost:3000/plugins" }`
// loads it like a released version (the Sync chunk is found next to the bundle's script URL).
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { context, type BuildContext } from "esbuild";
import { PLUGIN_NAME } from "@flex-call-recovery/vocabulary";
import { chunkTarget, MAIN_FILE, mainTarget, PLUGIN_DIR } from "./buildConfig";

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET",
  "Access-Control-Allow-Headers": "Content-Type, X-Flex-Version, X-Flex-JWE",
};

export interface DevServer {
  url: string;
  close(): Promise<void>;
}

/** The chunk's hashed name changes with its content: rebuild main whenever it does. */
async function startBuilds(dir: string): Promise<BuildContext[]> {
  let chunks: Record<string, string> = {};
  let main: BuildContext | null = null;
  const chunk = await context({
    ...chunkTarget(false),
    outdir: dir,
    plugins: [
      ...(chunkTarget(false).plugins ?? []),
      {
        name: "rebuild-main",
        setup(build) {
          build.onEnd(async (result) => {
            const names: Record<string, string> = {};
            for (const [file, out] of Object.entries(result.metafile?.outputs ?? {})) {
              if (out.entryPoint?.endsWith("syncChunk.ts")) names.sync = path.basename(file);
              if (out.entryPoint?.endsWith("supervisorChunk.ts")) names.supervisor = path.basename(file);
            }
            if (!names.sync || JSON.stringify(names) === JSON.stringify(chunks)) return;
            chunks = names;
            await main?.dispose();
            main = await context({ ...mainTarget(false, chunks), outfile: path.join(dir, MAIN_FILE) });
            await main.rebuild(); // watch() alone does not wait for the first build
            await main.watch();
          });
        },
      },
    ],
  });
  await chunk.rebuild();
  await chunk.watch();
  return [chunk, { dispose: () => main?.dispose() } as BuildContext];
}

export async function startDevServer(port = Number(process.env.PORT ?? 3000)): Promise<DevServer> {
  // Its own folder (not plugin/build, which the tests rebuild while this may run).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flex-call-recovery-dev-"));
  const builds = await startBuilds(dir);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const base = `http://${req.headers.host ?? `localhost:${port}`}`;
    if (req.method === "OPTIONS") return void res.writeHead(200, CORS).end();
    if (url.pathname === "/plugins") {
      // What Flex's plugin service answers: one entry per plugin; Flex adds uuid and phase.
      const plugins = [{ name: PLUGIN_NAME, version: "0.0.0-dev", src: `${base}/${MAIN_FILE}`, phase: 3 }];
      return void res.writeHead(200, { ...CORS, "Content-Type": "application/json" }).end(JSON.stringify(plugins));
    }
    const file =
      url.pathname === "/appConfig.js"
        ? path.join(PLUGIN_DIR, "public", "appConfig.js")
        : path.join(dir, path.basename(url.pathname));
    if (!fs.existsSync(file)) return void res.writeHead(404, CORS).end("not found");
    res.writeHead(200, { ...CORS, "Content-Type": "application/javascript", "Cache-Control": "no-store" });
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${bound}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(builds.map((b) => b.dispose()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (require.main === module) {
  startDevServer().then(
    (dev) => console.log(`plugin dev server: ${dev.url}/plugins (set appConfig.pluginService.url to it)`),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
