// Twilio's two paging envelopes. v1 APIs: `{ <key>: [...], meta: {...} }` with absolute URLs;
// the 2010 API: `{ <key>: [...], page, page_size, start, end, uri, first_page_uri, ... }` with
// URIs relative to https://api.twilio.com. Both page by `PageSize` (default 50, max 1000) and `Page`.
import { InvalidParameterError } from "./errors";
import { ok } from "./reply";
import type { TwinResponse } from "./router";
import { optionalInt, Params } from "./params";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

interface PageWindow {
  page: number;
  pageSize: number;
}

function pageWindow(query: Params): PageWindow {
  const pageSize = optionalInt(query, "PageSize") ?? DEFAULT_PAGE_SIZE;
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new InvalidParameterError(`PageSize must be between 1 and ${MAX_PAGE_SIZE}`, 20006);
  }
  const page = optionalInt(query, "Page") ?? 0;
  if (page < 0) throw new InvalidParameterError("Page must be a non-negative integer", 20006);
  return { page, pageSize };
}

/** Query string of a page link: the caller's filters plus PageSize, Page and a PageToken (as Twilio's links carry). */
function pageQuery(query: Params, pageSize: number, page: number): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (key === "Page" || key === "PageSize" || key === "PageToken") continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  }
  search.append("PageSize", String(pageSize));
  search.append("Page", String(page));
  // The token is opaque to clients; the twin pages by offset and only echoes it.
  if (page > 0) search.append("PageToken", `PT${page * pageSize}`);
  return search.toString();
}

/** v1 envelope. `listUrl` is the absolute Twilio URL of the list (e.g. https://sync.twilio.com/v1/Services). */
export function pageV1<T, R>(
  items: readonly T[],
  options: { listUrl: string; key: string; query: Params; serialize: (item: T) => R },
): Record<string, unknown> {
  const { page, pageSize } = pageWindow(options.query);
  const slice = items.slice(page * pageSize, (page + 1) * pageSize);
  const hasNext = (page + 1) * pageSize < items.length;
  const link = (p: number): string => `${options.listUrl}?${pageQuery(options.query, pageSize, p)}`;
  return {
    [options.key]: slice.map(options.serialize),
    meta: {
      page,
      page_size: pageSize,
      first_page_url: link(0),
      previous_page_url: page > 0 ? link(page - 1) : null,
      url: link(page),
      next_page_url: hasNext ? link(page + 1) : null,
      key: options.key,
    },
  };
}

/** 2010 envelope. `listUri` is relative, e.g. /2010-04-01/Accounts/AC.../Calls.json. */
export function page2010<T, R>(
  items: readonly T[],
  options: { listUri: string; key: string; query: Params; serialize: (item: T) => R },
): Record<string, unknown> {
  const { page, pageSize } = pageWindow(options.query);
  const start = page * pageSize;
  const slice = items.slice(start, start + pageSize);
  const hasNext = start + pageSize < items.length;
  const link = (p: number): string => `${options.listUri}?${pageQuery(options.query, pageSize, p)}`;
  return {
    [options.key]: slice.map(options.serialize),
    end: start + Math.max(slice.length - 1, 0),
    first_page_uri: link(0),
    next_page_uri: hasNext ? link(page + 1) : null,
    page,
    page_size: pageSize,
    previous_page_uri: page > 0 ? link(page - 1) : null,
    start,
    uri: link(page),
  };
}

/** A v1 list answer: one page of `items` under `key`, serialised. */
export function listV1<T>(
  req: { query: Params },
  listUrl: string,
  key: string,
  items: readonly T[],
  serialize: (item: T) => unknown,
): TwinResponse {
  return ok(pageV1(items, { listUrl, key, query: req.query, serialize }));
}

/** A 2010 list answer: one page of `items` under `key`, serialised. */
export function list2010<T>(
  req: { query: Params },
  listUri: string,
  key: string,
  items: readonly T[],
  serialize: (item: T) => unknown,
): TwinResponse {
  return ok(page2010(items, { listUri, key, query: req.query, serialize }));
}
