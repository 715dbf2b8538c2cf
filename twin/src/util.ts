// Small helpers shared by the backends.

/** Drops undefined fields so `Object.assign` leaves unspecified fields alone. */
export function stripUndefined<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The form parameters as a plain record (for events and logs). */
export function paramsRecord(params: Record<string, string | string[]>): Record<string, unknown> {
  return { ...params };
}
