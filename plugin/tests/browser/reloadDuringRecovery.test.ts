// The built bundle in a real browser (Debian's chromium via playwright-core), behind a page that
// plays Flex: an agent's page reloads during a recovery. The dialog appears, the ping is accepted,
// the reconnect is accepted and the dialog closes. The dialog's screenshot is kept as an artifact.
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page, type Route } from "playwright-core";
import {
  CONFERENCE_STATUS_CALLBACK_OVERRIDES,
  FOLLOWED_BY_RECONNECT,
  FunctionRoute,
  PLUGIN_NAME,
  RecoveryStatus,
  TaskAttribute,
  TaskChannel,
  type ConferenceState,
} from "@flex-call-recovery/vocabulary";
import { buildPlugin } from "../../scripts/build";
import { BUILD_DIR, MAIN_FILE, PLUGIN_DIR } from "../../scripts/buildConfig";
import { CHUNK_FILES } from "../../src/lazy/chunks";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];
const ARTIFACTS = path.join(PLUGIN_DIR, "test-artifacts");
export const DIALOG_SCREENSHOT = path.join(ARTIFACTS, "reload-during-recovery-dialog.png");
export const UNREACHABLE_SCREENSHOT = path.join(ARTIFACTS, "functions-unreachable-dialog.png");

const PAGE_URL = "https://flex.test/agent-desktop";
/** Where the infra would upload plugin/build/: every file under one base path. */
const ASSET_BASE = `https://assets.flex.test/plugins/${PLUGIN_NAME}/0.1.0/`;
const REAL_CHUNK_BASE = "https://assets.flex.test/real/";
const FUNCTIONS = "https://functions.flex.test";

const ME = "WK00000000000000000000000000000001";
const DROPPED = "WR00000000000000000000000000000001";
const PING = "WR00000000000000000000000000000002";
const RECONNECT = "WR00000000000000000000000000000003";
const OLD_CONF = "CF00000000000000000000000000000001";
const NEW_CONF = "CF00000000000000000000000000000002";

const vendor = (p: string) => require.resolve(p);
const STATIC: Record<string, string> = {
  "/vendor/react.js": vendor("react/umd/react.production.min.js"),
  "/vendor/react-dom.js": vendor("react-dom/umd/react-dom.production.min.js"),
  "/vendor/redux.js": vendor("redux/dist/redux.min.js"),
  "/vendor/react-redux.js": vendor("react-redux/dist/react-redux.min.js"),
  "/harness.js": path.join(__dirname, "flexHarness.js"),
};
const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Flex (test harness)</title>
${Object.keys(STATIC)
  .map((src) => `<script src="${src}"></script>`)
  .join("\n")}
</head><body style="margin:0;font-family:sans-serif;background:#f4f4f6">
<header style="height:48px;background:#121c2d;color:#fff;display:flex;align-items:center;padding:0 16px">Flex — agent desktop (test harness)</header>
<main style="padding:16px">Task list and canvas would be here.</main>
<div id="flex-root"></div></body></html>`;

interface FunctionPost {
  route: string;
  body: Record<string, unknown>;
}

function state(status: RecoveryStatus, updatedTime: string): ConferenceState {
  return {
    v: 1,
    conferenceSid: OLD_CONF,
    taskSid: "WTdropped",
    workflowSid: "WWvoice",
    customerCallSid: "CAcustomer",
    customerGone: false,
    conferenceEnded: false,
    workers: {},
    recovery: {
      status,
      droppedWorkerSid: ME,
      droppedWorkerName: "Alice Example",
      droppedCallSid: "CAalice-old",
      droppedTaskSid: "WTdropped",
      droppedReservationSid: DROPPED,
      disconnectedTime: "2026-01-01T12:00:00Z",
      pingTaskSid: "WTping",
      reconnectTaskSid: null,
      reconnectedWorkerSid: null,
      updatedTime,
    },
    seenEventIds: [],
  };
}

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

describe("built plugin in Chromium", () => {
  jest.setTimeout(90_000);
  let browser: Browser;
  let page: Page;
  const posts: FunctionPost[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see plugin/README.md)`);
    // Always the current sources: `npm test` on a clean clone has no build yet.
    await buildPlugin();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    await page.route("**/*", (route) => serve(route, posts));
    await page.goto(PAGE_URL);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("plays a reload during recovery", async () => {
    // Before the plugin loads: the dropped call task is there, wrapping and marked; the recovery is pinging.
    await page.evaluate(
      ([sid, attributes]) => window.harness.addReservation(sid, "wrapping", "voice", attributes, false),
      [
        DROPPED,
        {
          [TaskAttribute.conference]: { sid: OLD_CONF },
          [TaskAttribute.conversations]: { [TaskAttribute.followedBy]: FOLLOWED_BY_RECONNECT },
        },
      ] as const,
    );
    await page.evaluate(([conf, s]) => window.harness.pushState(conf, s), [
      OLD_CONF,
      state(RecoveryStatus.pinging, "t1"),
    ] as const);
    await page.evaluate((src) => window.harness.loadPlugin(src), `${ASSET_BASE}${MAIN_FILE}`);
    expect(await page.evaluate(() => window.harness.record.pluginName)).toBe(PLUGIN_NAME);

    // The dialog (the Paste chunk, fetched relative to the bundle's URL) with the live status.
    const dialog = page.getByRole("dialog");
    await dialog.waitFor({ state: "visible" });
    await page.getByTestId("flex-call-recovery-status").waitFor();
    expect(await page.getByTestId("flex-call-recovery-message").textContent()).toBe(
      "Disconnected from customer — reconnecting you…",
    );
    expect(await page.getByTestId("flex-call-recovery-status").textContent()).toBe(
      "Checking that you are back online…",
    );
    await page.waitForTimeout(600); // let Paste's opening animation finish before the screenshot
    await page.screenshot({ path: DIALOG_SCREENSHOT });

    // The ping arrives and is accepted without the agent.
    await page.evaluate(
      ([sid, attributes]) => window.harness.addReservation(sid, "pending", "default", attributes, true),
      [PING, { ...droppedLeg, [TaskAttribute.recoveryAttemptFailed]: false }] as const,
    );
    await page.waitForFunction((sid) => window.harness.status(sid) === "accepted", PING);

    // The functions redirect the customer and complete the dropped reservation (DESIGN §2 steps 7, 9).
    await page.evaluate(([conf, s]) => window.harness.pushState(conf, s), [
      OLD_CONF,
      state(RecoveryStatus.reconnecting, "t2"),
    ] as const);
    await page.evaluate((sid) => window.harness.setReservationStatus(sid, "completed", "completed"), DROPPED);
    await page.getByText("Bringing the customer back to you…").waitFor();

    // The reconnect arrives and is accepted automatically, with our conference status callback.
    await page.evaluate(
      ([sid, attributes]) => window.harness.addReservation(sid, "pending", "voice", attributes, true),
      [RECONNECT, { ...droppedLeg, [TaskAttribute.isReconnect]: true, [TaskAttribute.targetWorkerSid]: ME }] as const,
    );
    await page.waitForFunction((sid) => window.harness.status(sid) === "accepted", RECONNECT);
    const accepts = await page.evaluate(() => window.harness.record.actions.filter((a) => a.name === "AcceptTask"));
    expect(accepts.map((a) => a.sid)).toEqual([PING, RECONNECT]);
    expect(accepts[1].conferenceOptions).toMatchObject({
      conferenceStatusCallback: `${FUNCTIONS}${FunctionRoute.conferenceStatusHandler}${CONFERENCE_STATUS_CALLBACK_OVERRIDES}`,
      conferenceStatusCallbackEvent: "start,end,join,leave,modify",
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
    await dialog.waitFor({ state: "detached" });
    expect(
      await page.evaluate(() => window.harness.record.actions.filter((a) => a.name === "SelectTask").map((a) => a.sid)),
    ).toEqual([RECONNECT]);
    expect(posts.map((p) => p.route)).toEqual([
      FunctionRoute.syncToken,
      FunctionRoute.registerWorker,
      FunctionRoute.moveParticipants,
    ]);
    expect(posts.every((p) => p.body.Token === "flex-token-of-alice")).toBe(true);
    expect(posts[1].body).toMatchObject({
      conferenceSid: NEW_CONF,
      workerCallSid: "CAalice-new",
      reservationSid: RECONNECT,
    });
    expect(posts[2].body).toMatchObject({ fromConferenceSid: OLD_CONF, toConferenceSid: NEW_CONF });
    expect(pageErrors).toEqual([]);
  });

  it("functions down: the dialog says so and the agent continues", async () => {
    const downPage = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    const downPosts: FunctionPost[] = [];
    const errors: string[] = [];
    downPage.on("pageerror", (error) => errors.push(String(error)));
    await downPage.route("**/*", (route) => serve(route, downPosts, true));
    await downPage.goto(PAGE_URL);
    await downPage.evaluate(
      ([sid, attributes]) => window.harness.addReservation(sid, "wrapping", "voice", attributes, false),
      [
        DROPPED,
        {
          [TaskAttribute.conference]: { sid: OLD_CONF },
          [TaskAttribute.conversations]: { [TaskAttribute.followedBy]: FOLLOWED_BY_RECONNECT },
        },
      ] as const,
    );
    await downPage.evaluate((src) => window.harness.loadPlugin(src), `${ASSET_BASE}${MAIN_FILE}`);
    // flex/sync-token answers 503 (retried with backoff), so the state cannot be followed.
    await downPage.getByTestId("flex-call-recovery-problem").waitFor();
    expect(await downPage.getByTestId("flex-call-recovery-problem").textContent()).toBe(
      "The call recovery service cannot be reached. You can continue and wrap up.",
    );
    expect(downPosts.map((p) => p.route)).toEqual(Array(4).fill(FunctionRoute.syncToken));
    await downPage.waitForTimeout(600);
    await downPage.screenshot({ path: UNREACHABLE_SCREENSHOT });
    await downPage.getByTestId("flex-call-recovery-continue").click();
    await downPage.getByRole("dialog").waitFor({ state: "detached" });
    // Wrap-up is no longer held: CompleteTask goes through.
    await downPage.evaluate((sid) => window.Twilio.Flex.Actions.invokeAction("CompleteTask", { sid }), DROPPED);
    expect(await downPage.evaluate((sid) => window.harness.status(sid), DROPPED)).toBe("completed");
    expect(errors).toEqual([]);
    await downPage.close();
  });

  it("the real twilio-sync chunk loads in the browser and exports the watcher", async () => {
    // A string, not a function: jest's transform would turn a dynamic import() into require().
    const url = `${REAL_CHUNK_BASE}${CHUNK_FILES.sync}`;
    const exported = await page.evaluate(`import(${JSON.stringify(url)}).then((m) => typeof m.createStateWatcher)`);
    expect(exported).toBe("function");
  });
});

/** Serves the harness page, the build output and the functions; nothing else leaves the browser. */
async function serve(route: Route, posts: FunctionPost[], functionsDown = false): Promise<void> {
  const request = route.request();
  const url = new URL(request.url());
  const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "content-type" };
  if (url.origin === "https://flex.test") {
    if (url.pathname in STATIC) {
      return route.fulfill({ contentType: "text/javascript", body: fs.readFileSync(STATIC[url.pathname]) });
    }
    return route.fulfill({ contentType: "text/html", body: HTML });
  }
  if (url.href.startsWith(ASSET_BASE) || url.href.startsWith(REAL_CHUNK_BASE)) {
    const file = path.basename(url.pathname);
    // Twilio's Sync service is not reachable here: the plugin's Sync chunk URL gets a stand-in fed by the page.
    const source =
      url.href.startsWith(ASSET_BASE) && file === CHUNK_FILES.sync
        ? path.join(__dirname, "fakeSyncChunk.js")
        : path.join(BUILD_DIR, file);
    if (!fs.existsSync(source)) return route.fulfill({ status: 404, headers: cors, body: "not found" });
    return route.fulfill({ contentType: "text/javascript", headers: cors, body: fs.readFileSync(source) });
  }
  if (url.origin === FUNCTIONS) {
    if (request.method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
    const body = JSON.parse(request.postData() ?? "{}") as Record<string, unknown>;
    posts.push({ route: url.pathname, body });
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
        actions: { name: string; sid: string; conferenceOptions: Record<string, unknown> | null }[];
        notifications: string[];
      };
      addReservation(sid: string, status: string, channel: string, attributes: object, emit: boolean): void;
      setReservationStatus(sid: string, status: string, event: string): void;
      status(sid: string): string;
      setConference(sid: string, conferenceSid: string, participants: object[]): void;
      pushState(conferenceSid: string, state: ConferenceState): void;
      loadPlugin(src: string): Promise<void>;
    };
  }
}
// Keep TaskChannel imported for the channel names the harness uses ("voice", "default").
void TaskChannel;
