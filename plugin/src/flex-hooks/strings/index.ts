// Our default texts, added to Flex's strings without overriding what a centre already defined.
import { DEFAULT_STRINGS } from "../../recovery/strings";

export function stringHook(strings: object): void {
  const current = strings as Record<string, string | undefined>;
  for (const [key, text] of Object.entries(DEFAULT_STRINGS)) current[key] ??= text;
}
