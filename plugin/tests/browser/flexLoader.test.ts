// The built plugin in a real browser, loaded exactly the ways Flex UI 2.17 loads plugins, from
// assets behind the authorization Twilio puts on them. The page plays Flex (flexHarness.js: its
// plugin loader follows `PluginManager` in @twilio/flex-ui's bundle); the hosts play Twilio:
//
// - Flex's plugin route (`https://flex.test/plugins/…`, the page's own origin): Twilio's docs say
//   plugins "whether public or private are routed through https://flex.twilio.com" and "Private
//   Flex Plugins … can only be retrieved with a valid Flex JWE Token via the aforementioned URL"
//   (https://www.twilio.com/docs/flex/deploying-plugins). It serves the registered bundle only.
//   A private one needs the agent's token: the `X-Flex-JWE` header (the inject loader sends it) or,
//   for a `<script src>`, which can carry no header, a cookie of the Flex origin. The cookie is a
//   GUESS at how a script-src load of a private plugin is authorized; nothing here depends on it
//   beyond loading the main bundle.
// - The plugins Serverless service's runtime domain (`https://default-1234-dev.twil.io/…`, the
//   `assetBaseUrl` the infra writes): public assets to anyone; private ones "are not accessible by
//   URL" (https://www.twilio.com/docs/serverless/functions-assets/assets), so 403. GET answers carry
//   no CORS headers (a public report: twilio-labs/serverless-toolkit#141 found them only on OPTIONS).
//
// Each version (private, public) is loaded both ways (script src; token fetch + inline inject) and
// plays a reload during recovery; every run saves the dialog in each state under test-artifacts/.
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page, Route } from "playwright-core";
import {
  CONFERENCE_STATUS_CALLBACK_EVENTS,
  CONFERENCE_STATUS_CALLBACK_OVERRIDES,
  FOLLOWED_BY_RECONNECT,
  FunctionRoute,
  PLUGIN_NAME,
  RecoveryStatus,
  TaskAttribute,
  type ConferenceState,
} from "@flex-call-recovery/vocabulary";
import { buildPlugin, type BuiltPlugin } from "../../scripts/build";
import { BUILD_DIR, MAIN_FILE, PLUGIN_DIR } from "../../scripts/buildConfig";
import { conferenceState } from "../../testing";
import { flexPage } from "./flexPage";
import { launchChromium } from "./launchChromium";

export const ARTIFACTS = path.join(PLUGIN_DIR, "test-artifacts");

const FLEX = "https://flex.test";
const PAGE_URL = `${FLEX}/agent-desktop`;
const RUNTIME = "https://default-1234-dev.twil.io";
const FUNCTIONS = "https://functions.flex.test";
const TOKEN = "flex-token-of-alice";

type Visibility = "private" | "public";
type LoadMode = "script src" | "inject";

/** One registered plugin version: its folder on the plugins service and its main file's visibility. */
interface PluginVersion {
  version: string;
  visibility: Visibility;
}
const VERSIONS: Record<Visibility, PluginVersion> = {
  private: { version: "0.1.0", visibility: "private" },
  public: { version: "0.1.1", visibility: "public" },
};

const folder = (v: PluginVersion) => `/plugins/${PLUGIN_NAME}/${v.version}/`;
/** What Flex's plugin service lists as the version's src. */
const listedSrc = (v: PluginVersion) => `${FLEX}${folder(v)}${MAIN_FILE}`;
/** What the infra writes as `assetBaseUrl`: the version's folder on the runtime domain. */
const assetBaseUrl = (v: PluginVersion) => `${RUNTIME}${folder(v)}`;

const ME = "WK00000000000000000000000000000001";
const DROPPED = "WR00000000000000000000000000000001";
const PING = "WR00000000000000000000000000000002";
const RECONNECT = "WR00000000000000000000000000000003";
const OLD_CONF = "CF00000000000000000000000000000001";
const NEW_CONF = "CF00000000000000000000000000000002";

const PAGE = flexPage(
  { "/harness.js": "flexHarness.js" },
  "Flex — agent desktop (test harness)",
  '<main style="padding:16px">Task list and canvas would be here.</main>\n<div id="flex-root"></div>',
);

interface FunctionPost {
  route: string;
  body: Record<string, unknown>;
}
interface AssetHit {
  url: string;
  status: number;
  authorized: boolean;
}

/** One agent page and what its network saw. */
interface AgentPage {
  page: Page;
  posts: FunctionPost[];
  assets: AssetHit[];
  errors: string[];
}

const state = (status: RecoveryStatus, updatedTime: string): ConferenceState =>
  conferenceState({
    status,
    updatedTime,
    conferenceSid: OLD_CONF,
    droppedWorkerSid: ME,
    droppedReservationSid: DROPPED,
  });

const droppedLeg = {
  [TaskAttribute.disconnectedTaskSid]: "WTdropped",
  [TaskAttribute.disconnectedReservationSid]: DROPPED,
  [TaskAttribute.disconnectedWorkerSid]: ME,
  [TaskAttribute.disconnectedWorkerName]: "Alice Example",
  [TaskAttribute.disconnectedCallSid]: "CAalice-old",
  [TaskAttribute.disconnectedConferenceSid]: OLD_CONF,
  [TaskAttribute.disconnectedTaskWorkflowSid]: "WWvoice",
  [TaskAttribute.disconnectedTime]: "2026-01-01T12:00:00Z",
};

const wrappingDroppedTask = [
  DROPPED,
  {
    [TaskAttribute.conference]: { sid: OLD_CONF },
    [TaskAttribute.conversations]: { [TaskAttribute.followedBy]: FOLLOWED_BY_RECONNECT },
  },
] as const;

let browser: Browser;
let built: BuiltPlugin;

beforeAll(async () => {
  // Always the current sources: `npm test` on a clean clone has no build yet.
  built = await buildPlugin();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const launched = await launchChromium();
  browser = launched.browser;
  // The browser is the npm package's, never a system Chromium.
  expect(launched.executablePath).not.toMatch(/^\/usr\//);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** A fresh agent page: the dropped call is wrapping (it existed before the reload); no plugin yet. */
async function openAgentPage(
  v: PluginVersion,
  options: { functionsDown?: boolean; settings?: Record<string, unknown> } = {},
): Promise<AgentPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  // The Flex session's cookie (see the header: a guess at how script-src loads are authorized).
  await context.addCookies([{ name: "flex_jwe", value: TOKEN, domain: "flex.test", path: "/", secure: true }]);
  const page = await context.newPage();
  const agent: AgentPage = { page, posts: [], assets: [], errors: [] };
  page.on("pageerror", (error) => agent.errors.push(String(error)));
  await page.route("**/*", (route) => serve(route, v, agent, options.functionsDown ?? false));
  await page.goto(PAGE_URL);
  await page.evaluate(
    (settings) => window.harness.setSettings(settings),
    options.settings ?? { assetBaseUrl: assetBaseUrl(v) },
  );
  await page.evaluate(
    ([sid, attributes]) => window.harness.addReservation(sid, "wrapping", "voice", attributes, false),
    wrappingDroppedTask,
  );
  return agent;
}

async function loadPlugin(agent: AgentPage, v: PluginVersion, mode: LoadMode): Promise<void> {
  const loaded = await agent.page.evaluate(
    ([src, inject]) => window.harness.loadPlugins([{ name: "plugin-flex-call-recovery", version: "x", src }], inject),
    [listedSrc(v), mode === "inject"] as const,
  );
  expect(loaded).toEqual([{ name: PLUGIN_NAME, state: "Initialized" }]);
  expect(await agent.page.evaluate(() => window.harness.record.pluginErrors)).toEqual([]);
}

async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

const pushState = (page: Page, status: RecoveryStatus, t: string) =>
  page.evaluate(([conf, s]) => window.harness.pushState(conf, s), [OLD_CONF, state(status, t)] as const);

describe.each([
  [VERSIONS.private, "script src"],
  [VERSIONS.private, "inject"],
  [VERSIONS.public, "script src"],
  [VERSIONS.public, "inject"],
] as [PluginVersion, LoadMode][])("a %s plugin version loaded by %s", (v, mode) => {
  jest.setTimeout(60_000);
  const label = `${v.visibility}-${mode === "inject" ? "inject" : "script-src"}`;

  it("plays a reload during recovery: dialog, ping and reconnect accepted, reconnected", async () => {
    const agent = await openAgentPage(v);
    const { page, posts } = agent;
    await pushState(page, RecoveryStatus.pinging, "t1");
    await loadPlugin(agent, v, mode);

    // The dialog with the live status (the Sync chunk fetched from the public folder, no token).
    const dialog = page.getByRole("dialog");
    await dialog.waitFor({ state: "visible" });
    await page.getByTestId("flex-call-recovery-status").waitFor();
    expect(await page.getByTestId("flex-call-recovery-message").textContent()).toBe(
      "Disconnected from customer — reconnecting you…",
    );
    expect(await page.getByTestId("flex-call-recovery-status").textContent()).toBe(
      "Checking that you are back online…",
    );
    await snap(page, `${label}-1-pinging`);

    // The ping arrives and is accepted without the agent.
    await page.evaluate(
      ([sid, attributes]) => window.harness.addReservation(sid, "pending", "default", attributes, true),
      [PING, { ...droppedLeg, [TaskAttribute.recoveryAttemptFailed]: false }] as const,
    );
    await page.waitForFunction((sid) => window.harness.status(sid) === "accepted", PING);

    // The functions redirect the customer and complete the dropped reservation.
    await pushState(page, RecoveryStatus.reconnecting, "t2");
    await page.evaluate((sid) => window.harness.setReservationStatus(sid, "completed", "completed"), DROPPED);
    await page.getByText("Bringing the customer back to you…").waitFor();
    await snap(page, `${label}-2-reconnecting`);

    // The reconnect arrives and is accepted automatically, with our conference options.
    await page.evaluate(
      ([sid, attributes]) => window.harness.addReservation(sid, "pending", "voice", attributes, true),
      [RECONNECT, { ...droppedLeg, [TaskAttribute.isReconnect]: true, [TaskAttribute.targetWorkerSid]: ME }] as const,
    );
    await page.waitForFunction((sid) => window.harness.status(sid) === "accepted", RECONNECT);
    const accepts = await page.evaluate(() => window.harness.record.actions.filter((a) => a.name === "AcceptTask"));
    expect(accepts.map((a) => a.sid)).toEqual([PING, RECONNECT]);
    expect(accepts[1].conferenceOptions).toMatchObject({
      conferenceStatusCallback: `${FUNCTIONS}${FunctionRoute.conferenceStatusHandler}${CONFERENCE_STATUS_CALLBACK_OVERRIDES}`,
      conferenceStatusCallbackEvent: CONFERENCE_STATUS_CALLBACK_EVENTS.join(","),
      endConferenceOnExit: false,
      endConferenceOnCustomerExit: true,
    });

    // Both legs join the new conference: registered, third parties moved, "Reconnected", then closed.
    await page.evaluate(
      ([sid, conf]) =>
        window.harness.setConference(sid, conf, [
          { callSid: "CAalice-new", participantType: "worker", status: "joined", isMyself: true },
          { callSid: "CAcustomer", participantType: "customer", status: "joined", isMyself: false },
        ]),
      [RECONNECT, NEW_CONF] as const,
    );
    await page.getByText("Reconnected", { exact: true }).waitFor();
    await snap(page, `${label}-3-reconnected`);
    await dialog.waitFor({ state: "detached" });
    expect(
      await page.evaluate(() => window.harness.record.actions.filter((a) => a.name === "SelectTask").map((a) => a.sid)),
    ).toEqual([RECONNECT]);
    expect(posts.map((p) => p.route)).toEqual([
      FunctionRoute.syncToken,
      FunctionRoute.registerWorker,
      FunctionRoute.moveParticipants,
    ]);
    expect(posts.every((p) => p.body.Token === TOKEN)).toBe(true);
    expect(posts[1].body).toMatchObject({
      conferenceSid: NEW_CONF,
      workerCallSid: "CAalice-new",
      reservationSid: RECONNECT,
    });
    expect(posts[2].body).toMatchObject({ fromConferenceSid: OLD_CONF, toConferenceSid: NEW_CONF });
    // Sync in the account's region, as Flex reports it (sdkOptions.flex.environmentConfig.region).
    expect(await page.evaluate(() => window.harness.record.syncRegion)).toBe("au1");

    // What crossed the network: the bundle from Flex's route (with the agent's token: header when
    // injected, cookie for a script src), the chunk from the public folder without any credential.
    // Nothing was refused.
    expect(agent.assets).toEqual([
      { url: listedSrc(v), status: 200, authorized: true },
      { url: `${assetBaseUrl(v)}${built.chunks.sync}`, status: 200, authorized: false },
    ]);
    expect(agent.errors).toEqual([]);
    await page.context().close();
  });
});

describe("what the agent sees when the recovery cannot be followed", () => {
  jest.setTimeout(60_000);

  it("functions down: the dialog says so and the agent continues and wraps up", async () => {
    const v = VERSIONS.private;
    const agent = await openAgentPage(v, { functionsDown: true });
    const { page } = agent;
    await loadPlugin(agent, v, "inject");
    // flex/sync-token answers 503 (retried with backoff), so the state cannot be followed.
    await page.getByTestId("flex-call-recovery-problem").waitFor();
    expect(await page.getByTestId("flex-call-recovery-problem").textContent()).toBe(
      "The call recovery service cannot be reached. You can continue and wrap up.",
    );
    expect(agent.posts.map((p) => p.route)).toEqual(Array(4).fill(FunctionRoute.syncToken));
    await snap(page, "functions-unreachable");
    await page.getByTestId("flex-call-recovery-continue").click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    // Wrap-up is no longer held: CompleteTask goes through.
    await page.evaluate((sid) => window.Twilio.Flex.Actions.invokeAction("CompleteTask", { sid }), DROPPED);
    expect(await page.evaluate((sid) => window.harness.status(sid), DROPPED)).toBe("completed");
    expect(agent.errors).toEqual([]);
    await page.context().close();
  });

  it("state stalled: the status stops moving, the dialog offers Continue", async () => {
    const v = VERSIONS.public;
    const agent = await openAgentPage(v, { settings: { assetBaseUrl: assetBaseUrl(v), stallTimeoutSeconds: 1 } });
    await pushState(agent.page, RecoveryStatus.pinging, "t1");
    await loadPlugin(agent, v, "script src");
    await agent.page.getByTestId("flex-call-recovery-problem").waitFor();
    expect(await agent.page.getByTestId("flex-call-recovery-problem").textContent()).toBe(
      "The call recovery is not progressing. You can continue and wrap up.",
    );
    await snap(agent.page, "state-stalled");
    await agent.page.context().close();
  });

  it("the customer is requeued to another agent, then leaves: the dialog says so", async () => {
    const v = VERSIONS.private;
    const agent = await openAgentPage(v);
    await pushState(agent.page, RecoveryStatus.requeued, "t1");
    await loadPlugin(agent, v, "script src");
    await agent.page.getByText("The customer is being connected to another agent.").waitFor();
    await snap(agent.page, "requeued");
    await pushState(agent.page, RecoveryStatus.abandoned, "t2");
    await agent.page.getByText("The customer left the call. You can wrap up.").waitFor();
    await agent.page.getByTestId("flex-call-recovery-continue").waitFor();
    await snap(agent.page, "abandoned");
    await agent.page.context().close();
  });

  it("inline inject without assetBaseUrl: no URL to find the chunk, so the dialog lets the agent go", async () => {
    const v = VERSIONS.private;
    const agent = await openAgentPage(v, { settings: {} });
    await loadPlugin(agent, v, "inject");
    await agent.page.getByTestId("flex-call-recovery-problem").waitFor();
    await agent.page.getByTestId("flex-call-recovery-continue").waitFor();
    expect(agent.assets.map((a) => a.url)).toEqual([listedSrc(v)]);
    await snap(agent.page, "no-asset-base-url");
    await agent.page.context().close();
  });

  it("the hosts refuse what Twilio refuses: a private asset by URL, a private bundle without the token", async () => {
    const v = VERSIONS.private;
    const agent = await openAgentPage(v);
    const statuses = await agent.page.evaluate(
      async ([runtimeUrl, flexUrl]) => [
        (await fetch(runtimeUrl)).status,
        (await fetch(flexUrl, { credentials: "omit" })).status,
        (await fetch(flexUrl, { credentials: "omit", headers: { "X-Flex-JWE": "flex-token-of-alice" } })).status,
      ],
      [`${assetBaseUrl(v)}${MAIN_FILE}`, listedSrc(v)] as const,
    );
    expect(statuses).toEqual([403, 403, 200]);
    expect(agent.assets.map((a) => [a.url, a.status])).toEqual([
      [`${assetBaseUrl(v)}${MAIN_FILE}`, 403],
      [listedSrc(v), 403],
      [listedSrc(v), 200],
    ]);
    await agent.page.context().close();
  });
});

describe("the real Sync chunk", () => {
  jest.setTimeout(60_000);
  it("loads as a classic script from the public folder and registers the watcher", async () => {
    const v = VERSIONS.public;
    const agent = await openAgentPage(v);
    const url = `${assetBaseUrl(v)}real/${built.chunks.sync}`;
    const exported = await agent.page.evaluate(
      (src) =>
        new Promise<string>((resolve, reject) => {
          const script = document.createElement("script");
          script.src = src;
          script.onload = () =>
            resolve(
              typeof (window as unknown as { __flexCallRecoveryChunks?: { sync?: { createStateWatcher?: unknown } } })
                .__flexCallRecoveryChunks?.sync?.createStateWatcher,
            );
          script.onerror = () => reject(new Error(`failed: ${src}`));
          document.head.appendChild(script);
        }),
      url,
    );
    expect(exported).toBe("function");
    await agent.page.context().close();
  });
});

/** Serves the harness page, Flex's plugin route, the plugins service's assets and the functions. */
async function serve(route: Route, v: PluginVersion, agent: AgentPage, functionsDown: boolean): Promise<void> {
  const request = route.request();
  const url = new URL(request.url());
  const headers = request.headers();
  const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "content-type" };
  const js = (body: Buffer) => route.fulfill({ contentType: "application/javascript", body });
  const hit = (status: number, authorized: boolean) => agent.assets.push({ url: url.href, status, authorized });

  if (url.origin === FLEX && url.pathname.startsWith("/plugins/")) {
    // Flex's plugin route: only the registered bundle of this version.
    if (url.href !== listedSrc(v)) return route.fulfill({ status: 404, body: "not found" });
    const authorized = headers["x-flex-jwe"] === TOKEN || (headers.cookie ?? "").includes(`flex_jwe=${TOKEN}`);
    if (v.visibility === "private" && !authorized) {
      hit(403, false);
      return route.fulfill({ status: 403, body: "forbidden" });
    }
    hit(200, authorized);
    return js(fs.readFileSync(path.join(BUILD_DIR, MAIN_FILE)));
  }
  if (url.origin === FLEX) {
    return PAGE.serve(route, url);
  }
  if (url.origin === RUNTIME) {
    const authorized = "x-flex-jwe" in headers || "authorization" in headers;
    const file = url.pathname.slice(folder(v).length);
    // The main file has the version's visibility; the chunk is public (what the infra uploads).
    const visibility: Visibility = file === MAIN_FILE ? v.visibility : "public";
    if (!url.pathname.startsWith(folder(v)) || visibility === "private") {
      hit(403, authorized);
      return route.fulfill({ status: 403, body: "This asset is private" });
    }
    if (file === `real/${built.chunks.sync}`) return js(fs.readFileSync(path.join(BUILD_DIR, built.chunks.sync)));
    if (file !== built.chunks.sync) return route.fulfill({ status: 404, body: "not found" });
    hit(200, authorized);
    // Twilio's Sync service is not reachable here: the chunk's URL gets a stand-in fed by the page.
    return js(fs.readFileSync(path.join(__dirname, "fakeSyncChunk.js")));
  }
  if (url.origin === FUNCTIONS) {
    if (request.method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
    const body = JSON.parse(request.postData() ?? "{}") as Record<string, unknown>;
    agent.posts.push({ route: url.pathname, body });
    if (functionsDown) {
      const down = { success: false, message: "service unavailable" };
      return route.fulfill({ status: 503, contentType: "application/json", headers: cors, body: JSON.stringify(down) });
    }
    const answer =
      url.pathname === FunctionRoute.syncToken
        ? { success: true, token: "sync-token", identity: "alice", ttl: 3600 }
        : url.pathname === FunctionRoute.moveParticipants
          ? { success: true, moved: [] }
          : { success: true };
    return route.fulfill({ contentType: "application/json", headers: cors, body: JSON.stringify(answer) });
  }
  return route.abort();
}

/** The harness's test surface (flexHarness.js). */
declare global {
  interface Window {
    harness: {
      record: {
        pluginName?: string;
        pluginErrors: string[];
        syncRegion?: string;
        actions: { name: string; sid: string; conferenceOptions: Record<string, unknown> | null }[];
        notifications: string[];
      };
      setSettings(patch: Record<string, unknown>): void;
      loadPlugins(
        definitions: { name: string; version: string; src: string }[],
        injectSrc: boolean,
      ): Promise<{ name: string; state: string }[]>;
      addReservation(sid: string, status: string, channel: string, attributes: object, emit: boolean): void;
      setReservationStatus(sid: string, status: string, event: string): void;
      status(sid: string): string;
      setConference(sid: string, conferenceSid: string, participants: object[]): void;
      pushState(conferenceSid: string, state: ConferenceState): void;
    };
  }
}
