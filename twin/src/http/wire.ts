// Records as Twilio's JSON. The mechanical part of every serialiser: record keys in Twilio's wire
// case (`accountSid` → `account_sid`), dates in the API's style (`iso` for v1 APIs, `rfc2822` for
// 2010), links to sub-resources. Each product keeps explicit code only for what is not mechanical.

/** `friendlyName` → `friendly_name`; `RealTimeStatistics` → `real_time_statistics`. */
export const snake = (key: string): string =>
  key.replace(/[A-Z]/g, (c, at: number) => `${at ? "_" : ""}${c.toLowerCase()}`);

/**
 * Every own field of `record` in snake_case, Dates written by `date`, minus `omit` (internal
 * state), then `extra` (computed and renamed fields) on top.
 */
export function wire(
  record: object,
  date: (d: Date) => string,
  extra: Record<string, unknown> = {},
  omit: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!omit.includes(key)) out[snake(key)] = value instanceof Date ? date(value) : value;
  }
  return Object.assign(out, extra);
}

/** `{ real_time_statistics: "<url>/RealTimeStatistics", … }` for space-separated sub-resource names. */
export function links(url: string, names: string): Record<string, string> {
  return Object.fromEntries(names.split(" ").map((name) => [snake(name), `${url}/${name}`]));
}

/** `{ name: null, … }` for fields of Twilio's schema the twin does not model (space-separated names). */
export function nulls(names: string): Record<string, null> {
  return Object.fromEntries(
    names
      .trim()
      .split(/\s+/)
      .map((name) => [name, null]),
  );
}
