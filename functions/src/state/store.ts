// The conference state store: one Sync document per conference (docs/state.md). Every write is
// conditional: updates carry the revision read (`If-Match`), creations the unique name. A writer
// that loses the race gets a conflict, re-reads and decides again, so no update is lost and a
// claim made by one writer is seen by every other.
import {
  STATE_DOCUMENT_TTL_SECONDS,
  SYNC_DOCUMENT_MAX_BYTES,
  stateDocumentName,
  type ConferenceState,
} from "@flex-call-recovery/vocabulary";
import type { Decision } from "../recovery/types";
import type { TwilioClient } from "../twilio/client";
import { isTwilioError } from "../twilio/errors";

export interface StoredState {
  state: ConferenceState;
  /** Sync's revision of the document, sent back as If-Match. */
  revision: string;
}

/** Another writer changed (or created) the document since it was read. */
export class StateConflict extends Error {}

export interface StateStore {
  read(conferenceSid: string): Promise<StoredState | null>;
  /** Creates the document; StateConflict when it exists already. */
  create(state: ConferenceState): Promise<StoredState>;
  /** Replaces the document if it still has `revision`; StateConflict otherwise. */
  replace(state: ConferenceState, revision: string): Promise<StoredState>;
  remove(conferenceSid: string): Promise<void>;
  /** Lets a Sync identity read (only read) the document. */
  grantRead(conferenceSid: string, identity: string): Promise<void>;
}

/** Twilio error codes: 54103 revision mismatch (HTTP 412), 54301 unique name taken (HTTP 409). */
const REVISION_MISMATCH = 54103;
const UNIQUE_NAME_EXISTS = 54301;
/** Keep well under Sync's 16 KiB: room for the next write's growth. */
export const STATE_BUDGET_BYTES = 12 * 1024;

const byteLength = (state: ConferenceState) => Buffer.byteLength(JSON.stringify(state), "utf8");

/**
 * Keeps a document within budget: first drop the copied task attributes (the functions can fetch
 * them), then forget older event ids. Throws when even that is too big (it cannot be, with a
 * handful of workers, but Sync would reject it with 54006).
 */
export function fitDocument(state: ConferenceState): ConferenceState {
  let fitted = state;
  if (byteLength(fitted) > STATE_BUDGET_BYTES && fitted.taskAttributes) fitted = { ...fitted, taskAttributes: null };
  if (byteLength(fitted) > STATE_BUDGET_BYTES) fitted = { ...fitted, seenEventIds: fitted.seenEventIds.slice(-10) };
  const size = byteLength(fitted);
  if (size > SYNC_DOCUMENT_MAX_BYTES) {
    throw new Error(`state of ${state.conferenceSid} is ${size} bytes, over Sync's document limit`);
  }
  return fitted;
}

export function syncStateStore(client: TwilioClient, syncServiceSid: string): StateStore {
  const documents = client.sync.v1.services(syncServiceSid).documents;
  const stored = (doc: { data: unknown; revision: string }): StoredState => ({
    state: doc.data as ConferenceState,
    revision: doc.revision,
  });
  return {
    async read(conferenceSid) {
      try {
        return stored(await documents(stateDocumentName(conferenceSid)).fetch());
      } catch (error) {
        if (isTwilioError(error) && error.status === 404) return null;
        throw error;
      }
    },
    async create(state) {
      try {
        const doc = await documents.create({
          uniqueName: stateDocumentName(state.conferenceSid),
          data: fitDocument(state),
          ttl: STATE_DOCUMENT_TTL_SECONDS,
        });
        return stored(doc);
      } catch (error) {
        if (isTwilioError(error) && (error.code === UNIQUE_NAME_EXISTS || error.status === 409)) {
          throw new StateConflict(`create state of ${state.conferenceSid}: document exists`);
        }
        throw error;
      }
    },
    async replace(state, revision) {
      try {
        const doc = await documents(stateDocumentName(state.conferenceSid)).update({
          data: fitDocument(state),
          ifMatch: revision,
          ttl: STATE_DOCUMENT_TTL_SECONDS,
        });
        return stored(doc);
      } catch (error) {
        if (isTwilioError(error) && (error.code === REVISION_MISMATCH || error.status === 412)) {
          throw new StateConflict(`update state of ${state.conferenceSid}: revision ${revision} is stale`);
        }
        // Deleted since it was read: decide again on "no document".
        if (isTwilioError(error) && error.status === 404) {
          throw new StateConflict(`update state of ${state.conferenceSid}: document gone`);
        }
        throw error;
      }
    },
    async remove(conferenceSid) {
      try {
        await documents(stateDocumentName(conferenceSid)).remove();
      } catch (error) {
        if (!(isTwilioError(error) && error.status === 404)) throw error;
      }
    },
    async grantRead(conferenceSid, identity) {
      await documents(stateDocumentName(conferenceSid))
        .documentPermissions(identity)
        .update({ read: true, write: false, manage: false });
    },
  };
}

/** How often a handler re-reads and re-decides after losing a race before it gives up (5xx). */
export const MAX_ATTEMPTS = 6;

export interface Committed {
  decision: Decision;
  /** The state as committed (null: no document). */
  state: ConferenceState | null;
  /** The document as it was before this change, and the revision this change wrote (if it wrote). */
  previous: StoredState | null;
  revision: string | null;
  /** Attempts it took (1 without a conflict). */
  attempts: number;
}

/**
 * Read → decide → conditional write, repeated on conflict. `decideOn` must be pure: it runs
 * again on every attempt with the state as it is then, so a decision is only acted on once it
 * has been committed.
 */
export async function transact(
  store: StateStore,
  conferenceSid: string,
  decideOn: (state: ConferenceState | null) => Decision,
  /** A read already under way (started beside other fetches to save a round trip). */
  firstRead?: Promise<StoredState | null>,
): Promise<Committed> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = attempt === 1 && firstRead ? await firstRead : await store.read(conferenceSid);
    const decision = decideOn(current?.state ?? null);
    const change = decision.change;
    try {
      const unchanged = { decision, previous: current, revision: null, attempts: attempt };
      if (change.kind === "keep") return { ...unchanged, state: current?.state ?? null };
      if (change.kind === "delete") {
        if (current) await store.remove(conferenceSid);
        return { ...unchanged, state: null };
      }
      const written = current ? await store.replace(change.state, current.revision) : await store.create(change.state);
      return { decision, state: written.state, previous: current, revision: written.revision, attempts: attempt };
    } catch (error) {
      if (!(error instanceof StateConflict)) throw error;
    }
  }
  throw new Error(`state of ${conferenceSid}: still conflicting after ${MAX_ATTEMPTS} attempts`);
}
