// Redirects an `@twilio-labs/serverless-api` client to the twin. The library has no base-URL
// option: it builds https://serverless.twilio.com/v1 (and serverless-upload for uploads) into a
// `got` instance at `client.client`, so we extend that instance with a beforeRequest hook.
import { toTwinUrl, TWIN_CORRELATION_HEADER } from "../url";

interface GotOptionsLike {
  url: URL | string;
  headers: Record<string, string | string[] | undefined>;
}

interface GotLike {
  extend(options: { hooks: { beforeRequest: ((options: GotOptionsLike) => void)[] } }): GotLike;
}

function isTwilioHost(host: string): boolean {
  return /(^|\.)twilio\.com$/i.test(host);
}

/** Rewrites every request of `api` (a TwilioServerlessApiClient) to the twin. Returns `api`. */
export function redirectServerlessApiToTwin<T extends object>(
  api: T,
  twinBaseUrl: string,
  options: { correlationId?: string } = {},
): T {
  // `client` is private in the library's typings; it is the got instance every call goes through.
  const holder = api as unknown as { client: GotLike };
  holder.client = holder.client.extend({
    hooks: {
      beforeRequest: [
        (request) => {
          const url = typeof request.url === "string" ? new URL(request.url) : request.url;
          if (isTwilioHost(url.hostname)) {
            // Mutate in place: got keeps the Basic-auth credentials in url.username/password.
            const target = new URL(toTwinUrl(twinBaseUrl, url.toString()));
            url.protocol = target.protocol;
            url.host = target.host;
            url.pathname = target.pathname;
          }
          request.url = url;
          if (options.correlationId) request.headers[TWIN_CORRELATION_HEADER] = options.correlationId;
        },
      ],
    },
  });
  return api;
}
