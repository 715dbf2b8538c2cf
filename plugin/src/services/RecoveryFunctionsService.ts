// Calls to the Flex-facing functions: POST JSON with the agent's Flex token in `Token`, retried
// with backoff on network errors and 5xx, rejected as `{ status, ...body }`
// (the service-class convention of docs/development.md#conventions).
// Uses only `fetch`, so it runs in Flex and in Node (the e2e driver points it at twilio-run).
import {
  FunctionRoute,
  type EndConferenceRequest,
  type MoveParticipantsRequest,
  type MoveParticipantsResponse,
  type OkResponse,
  type RecoveryStepRequest,
  type RecoveryStepResponse,
  type RegisterWorkerRequest,
  type SyncTokenResponse,
  type UnregisterWorkerRequest,
} from "@flex-call-recovery/vocabulary";
import type { RecoveryFunctions } from "../recovery/types";

/** A rejected call: the HTTP status (0 when the network failed) and the answer's body. */
export interface ApiError {
  status: number;
  success: false;
  message: string;
}

export interface ApiServiceOptions {
  /** e.g. `https://flex-call-recovery-1234-dev.twil.io`, or the local twilio-run URL. */
  baseUrl: string;
  /** The agent's current Flex token (it is refreshed while Flex runs, so read it on every call). */
  getToken: () => string;
  fetch?: typeof fetch;
  /** Retries after the first attempt. */
  retries?: number;
  /** Delay before the first retry; doubled each time. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class ApiService {
  private readonly fetchImpl: typeof fetch;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(protected readonly options: ApiServiceOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 300;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  protected async post<T>(route: FunctionRoute, body: object): Promise<T> {
    const url = `${this.options.baseUrl.replace(/\/+$/, "")}${route}`;
    for (let attempt = 0; ; attempt++) {
      let error: ApiError;
      try {
        const response = await this.fetchImpl(url, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ ...body, Token: this.options.getToken() }),
        });
        const answer = await readJson(response);
        if (response.ok && answer.success !== false) return answer as T;
        error = {
          ...answer,
          status: response.status,
          success: false,
          message: `POST ${route} failed with HTTP ${response.status}: ${typeof answer.message === "string" ? answer.message : response.statusText}`,
        };
        // 4xx is our request's fault (or auth): retrying would not help.
        if (response.status < 500) throw error;
      } catch (caught) {
        if (isApiError(caught)) throw caught;
        error = { status: 0, success: false, message: `POST ${route} failed: ${String(caught)}` };
      }
      if (attempt >= this.retries) throw error;
      await this.sleep(this.backoffMs * 2 ** attempt);
    }
  }
}

function isApiError(value: unknown): value is ApiError {
  return typeof value === "object" && value !== null && "status" in value && "success" in value;
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  try {
    const value: unknown = text ? JSON.parse(text) : {};
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return { message: text.slice(0, 200) };
  }
}

export class RecoveryFunctionsService extends ApiService implements RecoveryFunctions {
  registerWorker(request: RegisterWorkerRequest): Promise<OkResponse> {
    return this.post(FunctionRoute.registerWorker, request);
  }
  unregisterWorker(request: UnregisterWorkerRequest): Promise<OkResponse> {
    return this.post(FunctionRoute.unregisterWorker, request);
  }
  endConference(request: EndConferenceRequest): Promise<OkResponse> {
    return this.post(FunctionRoute.endConference, request);
  }
  moveParticipants(request: MoveParticipantsRequest): Promise<MoveParticipantsResponse> {
    return this.post(FunctionRoute.moveParticipants, request);
  }
  syncToken(): Promise<SyncTokenResponse> {
    return this.post(FunctionRoute.syncToken, {});
  }
  recoveryStep(request: RecoveryStepRequest): Promise<RecoveryStepResponse> {
    return this.post(FunctionRoute.recoveryStep, request);
  }
}
