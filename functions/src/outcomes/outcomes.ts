// Each recovery's outcome, recorded once when its terminal state is committed: one item appended
// to one of the day's Sync Lists in the functions' own Sync service (several lists a day, so that a
// burst of recoveries ending together stays under Sync's per-list write rate). Ordinary calls never get here (no
// recovery, no record), so they cost no extra Twilio operation. The conditional state write is
// the claim of the transition, so a redelivered webhook (which finds the state already terminal)
// records nothing a second time.
//
// Sync Lists: https://www.twilio.com/docs/sync/api/list-resource (unique names usable in the
// path, collection TTL) and https://www.twilio.com/docs/sync/api/listitem-resource (append with
// `Data`; `date_created` is Twilio's clock).
import {
  OUTCOME_LIST_SHARDS,
  OUTCOME_LIST_TTL_SECONDS,
  RecoveryOutcomeKind,
  RecoveryStatus,
  isRecoveryOutcomeData,
  outcomeListName,
  outcomeListNames,
  outcomeShard,
  type ConferenceState,
  type RecoveryOutcomeData,
  type RecoveryOutcomeRecord,
} from "@flex-call-recovery/vocabulary";
import type { Committed } from "../state/store";
import type { TwilioClient } from "../twilio/client";
import { isNotFound, isTwilioError } from "../twilio/errors";

const RUNNING: readonly RecoveryStatus[] = [
  RecoveryStatus.pinging,
  RecoveryStatus.reconnecting,
  RecoveryStatus.requeued,
];

/**
 * The outcome a committed change ends a recovery with, or null when it ends none. A recovery ends
 * when a running one becomes `reconnected` or `abandoned`, or its document is deleted while it ran
 * (the conference ended with only the customer left: nobody got them back).
 */
export function endedRecovery(
  before: ConferenceState | null,
  after: ConferenceState | null,
  deleted: boolean,
): RecoveryOutcomeData | null {
  const running = before?.recovery;
  if (!running || !RUNNING.includes(running.status)) return null;
  const status = deleted ? RecoveryStatus.abandoned : after?.recovery?.status;
  if (status !== RecoveryStatus.reconnected && status !== RecoveryStatus.abandoned) return null;
  const ended = deleted ? running : (after?.recovery ?? running);
  const reconnectedWorkerSid = status === RecoveryStatus.reconnected ? ended.reconnectedWorkerSid : null;
  return {
    v: 1,
    outcome:
      status === RecoveryStatus.abandoned
        ? RecoveryOutcomeKind.abandoned
        : reconnectedWorkerSid === running.droppedWorkerSid
          ? RecoveryOutcomeKind.sameAgent
          : RecoveryOutcomeKind.otherAgent,
    conferenceSid: (before as ConferenceState).conferenceSid,
    droppedCallSid: running.droppedCallSid,
    droppedWorkerSid: running.droppedWorkerSid,
    droppedWorkerName: running.droppedWorkerName,
    reconnectedWorkerSid,
    disconnectedTime: running.disconnectedTime,
  };
}

/** `endedRecovery` of what `transact` committed. */
export function committedOutcome(committed: Committed): RecoveryOutcomeData | null {
  if (committed.decision.change.kind === "keep") return null;
  return endedRecovery(committed.previous?.state ?? null, committed.state, committed.decision.change.kind === "delete");
}

export interface OutcomeLog {
  /** Appends to one of `now`'s UTC day's lists (creating it the first time that day). */
  append(data: RecoveryOutcomeData, now: Date): Promise<void>;
  /** Every record of the daily lists from `since`'s day to `until`'s (lists that expired or never existed are empty). */
  read(since: Date, until: Date): Promise<RecoveryOutcomeRecord[]>;
}

/** Sync error 54301: unique name taken (a concurrent first record of the day created the list). */
const UNIQUE_NAME_EXISTS = 54301;
/** Sync error 54009: the list's write rate is used up (https://www.twilio.com/docs/api/errors/54009). */
const RATE_LIMITED = 54009;
/**
 * Lists tried per record: its own, then the next ones. The SDK has already retried each 429 with
 * backoff (up to ~6 s), so more than four would outlast a function's 10 s.
 */
export const OUTCOME_APPEND_ATTEMPTS = Math.min(4, OUTCOME_LIST_SHARDS);
/** Sync answers 400 above 100 items per page (PageSize `maximum: 100` in twilio_sync_v1.json). */
const PAGE_SIZE = 100;

export function syncOutcomeLog(client: TwilioClient, syncServiceSid: string): OutcomeLog {
  const service = client.sync.v1.services(syncServiceSid);

  async function appendTo(name: string, data: RecoveryOutcomeData): Promise<void> {
    const appendItem = () => service.syncLists(name).syncListItems.create({ data });
    try {
      await appendItem();
    } catch (error) {
      // The list's first record of the day: it does not exist yet (TTL'd, so it goes by itself).
      if (!isNotFound(error)) throw error;
      try {
        await service.syncLists.create({ uniqueName: name, ttl: OUTCOME_LIST_TTL_SECONDS });
      } catch (createError) {
        const taken =
          isTwilioError(createError) && (createError.code === UNIQUE_NAME_EXISTS || createError.status === 409);
        if (!taken) throw createError;
      }
      await appendItem();
    }
  }

  return {
    async append(data, now) {
      // A record may land in any of the day's lists (readers read them all), so a list whose write
      // rate is used up by a burst hands the record on to the next one.
      const home = outcomeShard(data.droppedCallSid);
      for (let attempt = 0; ; attempt++) {
        const name = outcomeListName(now, (home + attempt) % OUTCOME_LIST_SHARDS);
        try {
          return await appendTo(name, data);
        } catch (error) {
          const rateLimited = isTwilioError(error) && error.code === RATE_LIMITED;
          if (!rateLimited || attempt + 1 >= OUTCOME_APPEND_ATTEMPTS) throw error;
        }
      }
    },
    async read(since, until) {
      const names = outcomeListNames(since, until);
      const items: Awaited<ReturnType<typeof readList>> = [];
      // A day's lists at a time: a month back is 248 lists, which at once would crowd the
      // account's concurrent-request limit (20429) that the recoveries themselves need.
      for (let day = 0; day < names.length; day += OUTCOME_LIST_SHARDS) {
        const lists = await Promise.all(names.slice(day, day + OUTCOME_LIST_SHARDS).map(readList));
        items.push(...lists.flat());
      }
      return items.flatMap((item) =>
        isRecoveryOutcomeData(item.data) ? [{ ...item.data, endedTime: item.dateCreated.toISOString() }] : [],
      );
    },
  };

  async function readList(name: string) {
    try {
      return await service.syncLists(name).syncListItems.list({ pageSize: PAGE_SIZE });
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }
}

/**
 * Records the outcome when `committed` ended a recovery. Never throws: the recovery itself is done
 * and must not be answered 5xx (and redelivered) for its statistics; a failure is logged.
 */
export async function recordOutcome(
  log: OutcomeLog,
  committed: Committed,
  now: Date,
  say: (message: string) => void,
): Promise<void> {
  const data = committedOutcome(committed);
  if (!data) return;
  try {
    await log.append(data, now);
  } catch (error) {
    say(`recording the outcome (${data.outcome}) of ${data.conferenceSid} failed: ${String(error)}`);
  }
}
