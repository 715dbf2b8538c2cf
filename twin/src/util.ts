// Small helpers shared by the backends.

/** Drops undefined fields so `Object.assign` leaves unspecified fields alone. */
export function stripUndefined<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}
