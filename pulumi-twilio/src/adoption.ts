// Taking over what already exists. Twilio refuses a second TaskQueue with a taken name (HTTP 400,
// code 20001) and a second Serverless service with a taken unique name, so a stack deployed onto
// an account set up by hand would fail on its first create. With `adopt` on, such a resource is
// found by its unique name, marked `adopted` in state and brought to the declared state in place
// (same SID: whatever already points at it keeps working). `onDelete` says what destroy does
// with it: "keep" leaves it as it is now, "delete" removes it like a resource the stack created.

import type * as pulumi from "@pulumi/pulumi";
import { callApi } from "./client";

export type AdoptedOnDelete = "keep" | "delete";

/** The adoption inputs of a resource's args. */
export interface AdoptionArgs {
  /** Adopt a resource that already has this name (default false: fail naming it). */
  adopt?: pulumi.Input<boolean>;
  /** What destroy does with an adopted resource (default "keep"). */
  adoptedOnDelete?: pulumi.Input<AdoptedOnDelete>;
}

export interface AdoptionInputs {
  /** Adopt a same-named resource instead of failing on the name. */
  adopt: boolean;
  /** What delete does with an adopted resource. */
  adoptedOnDelete: AdoptedOnDelete;
}

/** Outputs of an adoptable resource: its SID, and whether it was found by name rather than created. */
export interface AdoptionOutputs {
  sid: string;
  /** Found by name rather than created by the stack. */
  adopted: boolean;
}

/** A provider's `check`: the adoption inputs with their defaults (no adoption; an adopted resource kept). */
export function withAdoptionDefaults<T extends Partial<AdoptionInputs>>(news: T): T & AdoptionInputs {
  return { ...news, adopt: news.adopt ?? false, adoptedOnDelete: news.adoptedOnDelete ?? "keep" };
}

/**
 * A TaskRouter resource's create, before it creates: the resource of that friendly name in the
 * workspace (names are unique per workspace), when there is one and adoption is on; undefined when
 * the name is free; the taken-name error when adoption is off.
 */
export async function adoptableByName<T extends { sid: string; friendlyName: string }>(
  kind: string,
  inputs: { friendlyName: string; workspaceSid: string; adopt: boolean },
  list: (client: import("twilio").Twilio) => Promise<T[]>,
): Promise<T | undefined> {
  const existing = (await callApi(`look up ${kind} "${inputs.friendlyName}"`, list)).find(
    (found) => found.friendlyName === inputs.friendlyName,
  );
  if (existing && !inputs.adopt) throw takenNameError(kind, inputs.friendlyName, existing.sid, inputs.workspaceSid);
  return existing;
}

/** The error when a name is taken and adoption is off: names the resource, its SID and the fix. */
export function takenNameError(what: string, name: string, sid: string, where: string): Error {
  return new Error(
    `${what} "${name}" already exists in ${where} (${sid}), made by hand or by another stack. ` +
      "Turn adoption on to take it over, or give this stack other names",
  );
}

/** Whether delete may remove this resource. */
export function mayDelete(props: { adopted?: boolean; adoptedOnDelete?: AdoptedOnDelete }): boolean {
  return !props.adopted || props.adoptedOnDelete === "delete";
}
