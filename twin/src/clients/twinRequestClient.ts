// Points the official `twilio` SDK at the twin: a RequestClient whose requests go to
// `<twin>/<twilio host>/<path>`. Retries are configured here because `twilio()` ignores its own
// `autoRetry` option once an `httpClient` is passed.
import twilio from "twilio";
import { toTwinRequest } from "../url";

type RequestOptions<TData> = import("twilio/lib/base/RequestClient").RequestOptions<TData>;

export interface TwinRequestClientOptions {
  /** Retry 429s with Twilio's jittered exponential backoff (default true). */
  autoRetry?: boolean;
  /** Default 3, as the SDK's. */
  maxRetries?: number;
  /** Upper bound of one backoff delay in ms (SDK default 3000). */
  maxRetryDelay?: number;
  /** Sent as the x-twin-correlation-id header so the twin's request log can group this caller's calls. */
  correlationId?: string;
  timeout?: number;
}

export class TwinRequestClient extends twilio.RequestClient {
  private readonly twinBaseUrl: string;
  private readonly correlationId: string | undefined;

  constructor(twinBaseUrl: string, options: TwinRequestClientOptions = {}) {
    super({
      autoRetry: options.autoRetry ?? true,
      maxRetries: options.maxRetries ?? 3,
      maxRetryDelay: options.maxRetryDelay,
      timeout: options.timeout,
      keepAlive: false,
    });
    this.twinBaseUrl = twinBaseUrl;
    this.correlationId = options.correlationId;
  }

  override request<TData>(opts: RequestOptions<TData>) {
    return super.request<TData>(toTwinRequest(this.twinBaseUrl, opts, this.correlationId));
  }
}

/** Anything with a base URL and credentials, e.g. a RunningTwin. */
export interface TwinTarget {
  baseUrl: string;
  accountSid: string;
  authToken: string;
}

export interface TwinClientOptions extends TwinRequestClientOptions {
  accountSid?: string;
  authToken?: string;
  /** Authenticate with an API key (SK...) and its secret instead of the auth token. */
  apiKey?: { sid: string; secret: string };
}

/** A `twilio` client talking to the twin. Pass the twin itself, or its base URL plus credentials. */
export function twilioClientForTwin(target: TwinTarget | string, options: TwinClientOptions = {}): twilio.Twilio {
  const baseUrl = typeof target === "string" ? target : target.baseUrl;
  const accountSid = options.accountSid ?? (typeof target === "string" ? undefined : target.accountSid);
  const authToken = options.authToken ?? (typeof target === "string" ? undefined : target.authToken);
  const httpClient = new TwinRequestClient(baseUrl, options);
  if (options.apiKey) {
    if (!accountSid) throw new Error("twilioClientForTwin: accountSid is required with an API key");
    return twilio(options.apiKey.sid, options.apiKey.secret, { accountSid, httpClient });
  }
  if (!accountSid || !authToken) {
    throw new Error("twilioClientForTwin: accountSid and authToken are required with a base URL");
  }
  return twilio(accountSid, authToken, { httpClient });
}
