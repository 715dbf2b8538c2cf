// The built bundle in Chromium (the @sparticuz/chromium package, playwright-core), loaded by Flex's loader, on the Flex page of flexHarness.js plus what the
// supervisor view touches (supervisorHarness.js): a supervisor gets the side link and today's
// recoveries; an agent's page never fetches the view's chunk. The view's screenshot is kept.
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page, Route } from "playwright-core";
import {
  FunctionRoute,
  PLUGIN_NAME,
  summarizeOutcomes,
  type RecoveriesResponse,
  type RecoveryOutcomeRecord,
} from "@flex-call-recovery/vocabulary";
import { buildPlugin, type BuiltPlugin } from "../../scripts/build";
import { BUILD_DIR, MAIN_FILE, PLUGIN_DIR } from "../../scripts/buildConfig";
import { flexPage } from "./flexPage";
import { launchChromium } from "./launchChromium";

export const SUPERVISOR_SCREENSHOT = path.join(PLUGIN_DIR, "test-artifacts", "supervisor-recoveries.png");

const PAGE_URL = "https://flex.test/agent-desktop";
const ASSET_BASE = `https://assets.flex.test/plugins/${PLUGIN_NAME}/0.1.0/`;
const FUNCTIONS = "https://functions.flex.test";

const PAGE = flexPage(
  { "/harness.js": "flexHarness.js", "/supervisor-harness.js": "supervisorHarness.js" },
  "Flex (test harness)",
  `<div style="display:flex;min-height:calc(100vh - 48px)">
<nav id="flex-side-nav" style="width:112px;background:#121c2d"></nav>
<main style="flex:1"><div id="flex-agent-desktop" style="padding:16px">Task list and canvas would be here.</div><div id="flex-views"></div></main>
</div><div id="flex-root"></div>`,
);

/** Today's recoveries as the functions would summarise them (the vocabulary's own aggregation). */
function today(): RecoveriesResponse {
  const at = (minute: number, wait: number) => ({
    disconnectedTime: `2026-12-02T09:${String(minute).padStart(2, "0")}:00.000Z`,
    endedTime: new Date(
      Date.parse(`2026-12-02T09:${String(minute).padStart(2, "0")}:00.000Z`) + wait * 1000,
    ).toISOString(),
  });
  const record = (
    drop: number,
    outcome: RecoveryOutcomeRecord["outcome"],
    worker: [string, string],
    wait: number,
  ): RecoveryOutcomeRecord => ({
    v: 1,
    outcome,
    conferenceSid: `CF${drop}`,
    droppedCallSid: `CA${drop}`,
    droppedWorkerSid: worker[0],
    droppedWorkerName: worker[1],
    reconnectedWorkerSid: null,
    ...at(drop, wait),
  });
  const alice: [string, string] = ["WK1", "Alice Example"];
  const bob: [string, string] = ["WK2", "Bob Builder"];
  const carol: [string, string] = ["WK3", "Carol Danvers"];
  const records = [
    record(1, "sameAgent", alice, 9),
    record(2, "sameAgent", alice, 11),
    record(3, "otherAgent", alice, 24),
    record(4, "sameAgent", bob, 8),
    record(5, "abandoned", carol, 31),
    record(6, "sameAgent", alice, 10),
  ];
  return { day: "2026-12-02", summary: summarizeOutcomes(records) };
}

describe("supervisor view in Chromium", () => {
  jest.setTimeout(90_000);
  let browser: Browser;
  let built: BuiltPlugin;

  beforeAll(async () => {
    built = await buildPlugin();
    fs.mkdirSync(path.dirname(SUPERVISOR_SCREENSHOT), { recursive: true });
    browser = (await launchChromium()).browser;
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function flexPage(
    roles: string[],
  ): Promise<{ page: Page; fetched: string[]; posts: string[]; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 620 } });
    const fetched: string[] = [];
    const posts: string[] = [];
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.route("**/*", (route) => serve(route, fetched, posts));
    await page.goto(PAGE_URL);
    await page.evaluate((r) => (window as unknown as { harness: SupervisorHarness }).harness.setRoles(r), roles);
    // Flex's loader, script-src way; the infra's assetBaseUrl says where the chunks are.
    await page.evaluate(
      (base) => (window as unknown as { harness: SupervisorHarness }).harness.setSettings({ assetBaseUrl: base }),
      ASSET_BASE,
    );
    await page.evaluate(
      (src) =>
        (window as unknown as { harness: SupervisorHarness }).harness.loadPlugins(
          [{ name: "plugin-flex-call-recovery", version: "0.1.0", src }],
          false,
        ),
      `${ASSET_BASE}${MAIN_FILE}`,
    );
    return { page, fetched, posts, errors };
  }

  it("shows a supervisor today's recoveries behind its own side link", async () => {
    const { page, fetched, posts, errors } = await flexPage(["supervisor"]);
    const link = page.getByTestId("side-link");
    await link.waitFor();
    expect(await link.textContent()).toContain("Call recovery");
    await link.click();
    const view = page.getByTestId("flex-call-recovery-recoveries");
    await view.waitFor();
    await page.getByTestId("flex-call-recovery-recoveries-agents").waitFor();
    const figure = (id: string) => page.getByTestId(`flex-call-recovery-recoveries-${id}`).textContent();
    expect(await page.locator("h1").textContent()).toBe("Call recovery today (2026-12-02, UTC)");
    expect(
      await Promise.all(["dropped", "same-agent", "other-agent", "abandoned", "wait-p50", "wait-p95"].map(figure)),
    ).toEqual(["6", "4", "1", "1", "10.0 s", "31.0 s"]);
    expect(await page.locator("tbody tr").allTextContents()).toEqual([
      "Alice Example4",
      "Bob Builder1",
      "Carol Danvers1",
    ]);
    expect(await link.getAttribute("aria-pressed")).toBe("true");
    expect(fetched).toContain(built.chunks.supervisor);
    expect(posts).toContain(FunctionRoute.recoveries);
    await page.screenshot({ path: SUPERVISOR_SCREENSHOT });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("never fetches the view for an agent, and the main bundle does not hold it", async () => {
    const { page, fetched, posts, errors } = await flexPage(["agent"]);
    const pluginName = () => (window as unknown as { harness: SupervisorHarness }).harness.record.pluginName;
    expect(await page.evaluate(pluginName)).toBe(PLUGIN_NAME);
    expect(fetched).toEqual([MAIN_FILE]);
    expect(posts).not.toContain(FunctionRoute.recoveries);
    expect(await page.getByTestId("side-link").count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
    // The view's texts live in its chunk only.
    const main = fs.readFileSync(path.join(BUILD_DIR, MAIN_FILE), "utf8");
    expect(main).not.toContain("FlexCallRecoverySupervisorTitle");
    expect(fs.readFileSync(path.join(BUILD_DIR, built.chunks.supervisor), "utf8")).toContain(
      "FlexCallRecoverySupervisorTitle",
    );
  });
});

/** Serves the page, the build output (recording which files were fetched) and the functions. */
async function serve(route: Route, fetched: string[], posts: string[]): Promise<void> {
  const request = route.request();
  const url = new URL(request.url());
  const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "content-type" };
  if (url.origin === "https://flex.test") return PAGE.serve(route, url);
  if (url.href.startsWith(ASSET_BASE)) {
    const file = path.basename(url.pathname);
    fetched.push(file);
    const source = path.join(BUILD_DIR, file);
    if (!fs.existsSync(source)) return route.fulfill({ status: 404, headers: cors, body: "not found" });
    return route.fulfill({ contentType: "text/javascript", headers: cors, body: fs.readFileSync(source) });
  }
  if (url.origin === FUNCTIONS) {
    if (request.method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
    posts.push(url.pathname);
    const body = JSON.parse(request.postData() ?? "{}") as { Token?: string };
    if (url.pathname === FunctionRoute.recoveries && body.Token === "flex-token-of-alice") {
      const answer = { success: true, ...today() };
      return route.fulfill({ contentType: "application/json", headers: cors, body: JSON.stringify(answer) });
    }
    // The recovery's own calls (sync token, registrations) are not part of this test.
    return route.fulfill({ status: 404, contentType: "application/json", headers: cors, body: '{"success":false}' });
  }
  return route.abort();
}

/** The page's harness (flexHarness.js + supervisorHarness.js), as the evaluated functions see it. */
export interface SupervisorHarness {
  record: { pluginName?: string };
  setRoles(roles: string[]): void;
  setSettings(patch: Record<string, unknown>): void;
  loadPlugins(definitions: { name: string; version: string; src: string }[], injectSrc: boolean): Promise<unknown>;
}
