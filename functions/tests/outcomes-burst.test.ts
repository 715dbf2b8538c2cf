// A burst of recoveries ending together (a regional outage: hundreds of agents back within
// seconds) against the twin's Sync, whose per-object write limit (20/s over a 10 s window, 54009)
// is on and whose clock stands still, so every write lands in the same window. One list a day
// took 200 records and dropped the rest; every record must now be kept.
import { ManualClock, startTwin, twilioClientForTwin, type RunningTwin } from "@flex-call-recovery/twin";
import {
  FunctionEnv,
  OUTCOME_LIST_SHARDS,
  outcomeListName,
  outcomeShard,
  RecoveryOutcomeKind,
  type RecoveryOutcomeData,
} from "@flex-call-recovery/vocabulary";
import { syncOutcomeLog } from "../src/outcomes/outcomes";
import { createTwilioClient } from "../src/twilio/client";
import { contextFor } from "./support/runtime";

let twin: RunningTwin;
/** Each test has a Sync service of its own, so the write windows of one do not spill into the next. */
let serviceSid: string;
const clock = new ManualClock(new Date("2026-12-02T10:00:00Z"));

beforeAll(async () => {
  twin = await startTwin({ clock });
});
afterAll(() => twin.stop());
beforeEach(async () => {
  serviceSid = (await twilioClientForTwin(twin).sync.v1.services.create({ friendlyName: "outcomes" })).sid;
});

function outcomeLog() {
  const context = contextFor(twin.baseUrl, {
    [FunctionEnv.accountSid]: twin.accountSid,
    [FunctionEnv.authToken]: twin.authToken,
  });
  return syncOutcomeLog(createTwilioClient(context, "burst"), serviceSid);
}

const callSid = (i: number) => `CA${i.toString(16).padStart(32, "0")}`;
const outcome = (droppedCallSid: string, i: number): RecoveryOutcomeData => ({
  v: 1,
  outcome: RecoveryOutcomeKind.sameAgent,
  conferenceSid: `CF${i.toString(16).padStart(32, "0")}`,
  droppedCallSid,
  droppedWorkerSid: `WK${(i % 50).toString(16).padStart(32, "0")}`,
  droppedWorkerName: `Agent ${i % 50}`,
  reconnectedWorkerSid: `WK${(i % 50).toString(16).padStart(32, "0")}`,
  disconnectedTime: "2026-12-02T09:59:50.000Z",
});

async function appendAll(sids: string[]): Promise<PromiseSettledResult<void>[]> {
  const log = outcomeLog();
  return Promise.all(
    sids.map((sid, i) =>
      log.append(outcome(sid, i), clock.now()).then(
        () => ({ status: "fulfilled" as const, value: undefined }),
        (reason: unknown) => ({ status: "rejected" as const, reason }),
      ),
    ),
  );
}

describe("recording outcomes in a burst", () => {
  it("keeps 800 outcomes ended in the same second (4 times what one list takes in a window)", async () => {
    const sids = Array.from({ length: 800 }, (_, i) => callSid(i));
    const results = await appendAll(sids);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const read = await outcomeLog().read(clock.now(), clock.now());
    expect(read).toHaveLength(800);
    expect(new Set(read.map((r) => r.droppedCallSid))).toEqual(new Set(sids));
  });

  it("hands records on to the next list when their own list's write rate is used up", async () => {
    // 300 drops whose own list is list 0: it takes 200 in the window, the rest go to list 1.
    const sids: string[] = [];
    for (let i = 0; sids.length < 300; i++) if (outcomeShard(callSid(i)) === 0) sids.push(callSid(i));
    const results = await appendAll(sids);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);

    const service = twilioClientForTwin(twin).sync.v1.services(serviceSid);
    const count = async (shard: number) =>
      (await service.syncLists(outcomeListName(clock.now(), shard)).syncListItems.list({ pageSize: 100 })).length;
    expect([await count(0), await count(1)]).toEqual([200, 100]);
    expect((await outcomeLog().read(clock.now(), clock.now())).map((r) => r.droppedCallSid).sort()).toEqual(
      [...sids].sort(),
    );
  });

  it("gives up after OUTCOME_LIST_SHARDS' first lists are all used up, with Sync's 54009", async () => {
    expect(OUTCOME_LIST_SHARDS).toBeGreaterThanOrEqual(4);
    // Fill lists 0–3 (800 records whose own list is 0 fill 0, then 1, 2, 3), then one more.
    const sids: string[] = [];
    for (let i = 0; sids.length < 801; i++) if (outcomeShard(callSid(i)) === 0) sids.push(callSid(i));
    const results = await appendAll(sids);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatchObject({ status: 429, code: 54009 });
  });
});
