// `npm run recoveries`: arguments, where credentials and the Sync service come from, the summary
// read from the daily lists (fake Twilio), and the command itself for bad input.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { FunctionEnv, outcomeListName } from "@flex-call-recovery/vocabulary";
import {
  parseRecoveriesArgs,
  parseSince,
  recoveries,
  render,
  resolveSource,
  UsageError,
  type PulumiRunner,
} from "../scripts/recoveries";
import { FakeTwilio } from "./support/fakeTwilio";
import { ACCOUNT_SID, SYNC_SERVICE_SID, withFakeTwilio } from "./support/runtime";

describe("--since", () => {
  it.each([
    ["30m", 1800],
    ["24h", 86_400],
    ["7d", 604_800],
    [" 1h ", 3600],
    ["30d", 2_592_000],
  ])("%p is %p s", (text, seconds) => {
    expect(parseSince(text)).toBe(seconds);
  });

  it.each([
    ["banana", '--since must be a duration like 30m, 24h or 7d (got "banana")'],
    ["24", "--since must be a duration"],
    ["-1h", "--since must be a duration"],
    ["0h", "--since must be a duration"],
    ["1.5h", "--since must be a duration"],
    ["31d", "longer than the 30 days the lists are kept"],
  ])("refuses %p", (text, message) => {
    expect(() => parseSince(text)).toThrow(UsageError);
    expect(() => parseSince(text)).toThrow(message);
  });
});

describe("arguments", () => {
  it("defaults to the last 24 h as text", () => {
    expect(parseRecoveriesArgs([])).toMatchObject({ sinceSeconds: 86_400, json: false, twin: null });
  });

  it("reads every option, with a space or =", () => {
    const sid = `IS${"1".repeat(32)}`;
    expect(
      parseRecoveriesArgs(["--since=2h", "--json", "--twin", "http://127.0.0.1:4010", "--sync-service", sid]),
    ).toMatchObject({ sinceSeconds: 7200, json: true, twin: "http://127.0.0.1:4010", syncServiceSid: sid });
  });

  it.each([
    [["--since"], "--since needs a value"],
    [["--since", "--json"], "--since needs a value"],
    [["--days", "2"], 'unknown argument "--days"'],
    [["--sync-service", "IS123"], "--sync-service must be a Sync Service SID"],
    [["--twin", "localhost:4010"], "--twin must be the twin's base URL"],
  ])("refuses %p", (argv, message) => {
    expect(() => parseRecoveriesArgs(argv)).toThrow(message);
  });
});

describe("where it reads from", () => {
  const options = parseRecoveriesArgs([]);
  const pulumi =
    (answers: Record<string, string>): PulumiRunner =>
    (args) =>
      answers[args.join(" ")] ?? null;

  it("takes TWILIO_* credentials and SYNC_SERVICE_SID from the environment", () => {
    const env = { TWILIO_ACCOUNT_SID: "AC1", TWILIO_AUTH_TOKEN: "t", SYNC_SERVICE_SID: "IS1" };
    expect(resolveSource(options, env, pulumi({}))).toEqual({
      [FunctionEnv.accountSid]: "AC1",
      [FunctionEnv.authToken]: "t",
      [FunctionEnv.syncServiceSid]: "IS1",
    });
  });

  it("falls back to the stack's config and outputs", () => {
    const answers = {
      "config get twilio:accountSid --stack prod": "AC2\n",
      "config get twilio:authToken --stack prod": "secret\n",
      "stack output --json --stack prod": JSON.stringify({ syncServiceSid: "IS2", workspaceSid: "WS2" }),
    };
    expect(resolveSource(parseRecoveriesArgs(["--stack", "prod"]), {}, pulumi(answers))).toEqual({
      [FunctionEnv.accountSid]: "AC2",
      [FunctionEnv.authToken]: "secret",
      [FunctionEnv.syncServiceSid]: "IS2",
    });
  });

  it("points the client at a twin with --twin", () => {
    const source = resolveSource(
      parseRecoveriesArgs(["--twin", "http://127.0.0.1:4010/", "--sync-service", `IS${"1".repeat(32)}`]),
      { ACCOUNT_SID: "AC3", AUTH_TOKEN: "t" },
      pulumi({}),
    );
    expect(source[FunctionEnv.twilioApiBaseUrl]).toBe("http://127.0.0.1:4010");
  });

  it("says what is missing", () => {
    expect(() => resolveSource(options, {}, pulumi({}))).toThrow("no Twilio credentials");
    expect(() => resolveSource(options, { TWILIO_ACCOUNT_SID: "AC1", TWILIO_AUTH_TOKEN: "t" }, pulumi({}))).toThrow(
      "no Sync service",
    );
  });
});

let fake: FakeTwilio;
let context: Record<string, string>;
withFakeTwilio((started, contextOfIt) => {
  fake = started;
  context = contextOfIt;
});

describe("the summary", () => {
  const now = new Date();
  const item = (drop: string, outcome: string, worker: [string, string], minutesAgo: number, waitSeconds: number) => {
    const ended = new Date(now.getTime() - minutesAgo * 60_000);
    return {
      data: {
        v: 1,
        outcome,
        conferenceSid: `CF${drop}`,
        droppedCallSid: `CA${drop}`,
        droppedWorkerSid: worker[0],
        droppedWorkerName: worker[1],
        reconnectedWorkerSid: null,
        disconnectedTime: new Date(ended.getTime() - waitSeconds * 1000).toISOString(),
      },
      created: ended,
    };
  };

  it("summarises the lists' records that ended within --since, in text and JSON", async () => {
    const alice: [string, string] = ["WK1", "Alice"];
    fake.lists.set(outcomeListName(now, 3), {
      sid: "ES1",
      ttl: null,
      items: [
        item("1", "sameAgent", alice, 10, 8),
        item("2", "abandoned", ["WK2", "Bob"], 20, 30),
        item("3", "otherAgent", alice, 90, 20), // outside --since 1h
        { data: { something: "else" }, created: now }, // not an outcome: skipped
      ],
    });
    const source = {
      ...context,
      [FunctionEnv.accountSid]: ACCOUNT_SID,
      [FunctionEnv.syncServiceSid]: SYNC_SERVICE_SID,
    };
    const result = await recoveries(source, 3600, now);
    expect(result.summary).toMatchObject({ dropped: 2, sameAgent: 1, abandoned: 1, otherAgent: 0 });
    expect(render(result, false).split("\n").slice(1, 6)).toEqual([
      "  dropped               2",
      "  back to same agent    1",
      "  to another agent      0",
      "  abandoned             1",
      "  wait p50 / p95        8.0 s / 30.0 s",
    ]);
    expect(JSON.parse(render(result, true))).toMatchObject({
      summary: {
        dropped: 2,
        agents: [
          { workerName: "Alice", drops: 1 },
          { workerName: "Bob", drops: 1 },
        ],
      },
    });
  });

  it("counts nothing when no list exists for those days", async () => {
    const result = await recoveries({ ...context }, 86_400, now);
    expect(result.summary.dropped).toBe(0);
  });
});

describe("npm run recoveries", () => {
  const run = (...args: string[]) =>
    spawnSync(
      process.execPath,
      [require.resolve("tsx/cli"), join(__dirname, "..", "scripts", "recoveries.ts"), ...args],
      {
        encoding: "utf8",
        env: { PATH: process.env.PATH },
      },
    );

  it("exits 2 with the reason and the usage on --since banana", () => {
    const result = run("--since", "banana");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('recoveries: --since must be a duration like 30m, 24h or 7d (got "banana")');
    expect(result.stderr).toContain("usage: npm run recoveries --");
    expect(result.stdout).toBe("");
  });
});
