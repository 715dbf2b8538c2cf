// Small helpers shared by the backends.

/** The creation and update times every Twilio record carries. */
export interface Dated {
  dateCreated: Date;
  dateUpdated: Date;
}

/** The dates of a record created at `now`. */
export const stamped = (now: Date): Dated => ({ dateCreated: now, dateUpdated: now });

/** Stores a new record under its SID and returns it. */
export function insert<T extends { sid: string }>(records: Map<string, T>, record: NoInfer<T>): T {
  records.set(record.sid, record);
  return record;
}

/** What an update may set: everything but identity, the parent's SID and the dates (see `patch`). */
export type Editable<T, Parent extends string = never> = Partial<Omit<T, "sid" | Parent | keyof Dated>>;

/**
 * An update: sets the fields of `input` the record already has (undefined ones are left alone, so
 * are names the record does not model) and moves `dateUpdated`.
 */
export function patch<T extends { dateUpdated: Date }>(record: T, input: object, now: Date): T {
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined && key in record) (record as Record<string, unknown>)[key] = value;
  }
  record.dateUpdated = now;
  return record;
}

/**
 * Twilio's exact-match list filters: records whose fields equal every defined filter field they
 * have, or only the `keys` named (a filter the twin does not match exactly, e.g. a date, is left out).
 */
export function where<T extends object>(records: Iterable<T>, filter: object, keys?: readonly (keyof T)[]): T[] {
  const wanted = Object.entries(filter).filter(
    ([key, value]) => value !== undefined && (!keys || keys.includes(key as keyof T)),
  );
  return [...records].filter((r) => wanted.every(([key, value]) => !(key in r) || r[key as keyof T] === value));
}

/** undefined instead of a backend's 404 (lookups of things that went away). */
export function maybe<T>(lookup: () => T): T | undefined {
  try {
    return lookup();
  } catch {
    return undefined;
  }
}

/** Loose values of control bodies and forms: booleans or their strings, word lists, non-empty strings. */
export function bool(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : value === "true" ? true : value === "false" ? false : undefined;
}

export function words(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A record by SID or by its unique name (where Twilio accepts either). */
export function bySidOrName<T>(
  records: Map<string, T>,
  key: string,
  name: (record: T) => string | null,
): T | undefined {
  return records.get(key) ?? [...records.values()].find((record) => name(record) === key);
}
