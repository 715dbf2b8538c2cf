// The dev server answers Flex's plugin-service request and serves a bundle that calls Plugins.init
// and the Sync chunk it names.
import { startDevServer, type DevServer } from "./dev";

let dev: DevServer;
beforeAll(async () => {
  dev = await startDevServer(0);
}, 60_000);
afterAll(() => dev?.close());

it("lists the plugin the way Flex's plugin service does and serves its bundle", async () => {
  const response = await fetch(`${dev.url}/plugins`, {
    headers: { "X-Flex-JWE": "token", "X-Flex-Version": "2.17.1" },
  });
  expect(response.headers.get("access-control-allow-headers")).toContain("X-Flex-JWE");
  const plugins = (await response.json()) as { name: string; src: string }[];
  expect(plugins).toEqual([expect.objectContaining({ name: "plugin-flex-call-recovery", src: expect.any(String) })]);
  const bundle = await fetch(plugins[0].src).then((r) => r.text());
  expect(bundle).toContain("Plugins.init");
  const chunkName = /plugin-flex-call-recovery\.sync\.[A-Z0-9]+\.js/.exec(bundle)?.[0];
  expect(chunkName).toBeDefined();
  expect((await fetch(`${dev.url}/${chunkName}`)).status).toBe(200);
});
