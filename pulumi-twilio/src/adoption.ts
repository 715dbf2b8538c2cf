// Taking over what already exists. Twilio refuses a second TaskQueue with a taken name (HTTP 400,
// code 20001) and a second Serverless service with a taken unique name, so a stack deployed onto
// an account set up by hand would fail on its first create. With `adopt` on, such a resource is
// found by its unique name, marked `adopted` in state and brought to the declared state in place
// (same SID: whatever already points at it keeps working). `onDelete` says what destroy does
// with it: "keep" leaves it as it is now, "delete" removes it like a resource the stack created.

export type AdoptedOnDelete = "keep" | "delete";

export interface AdoptionInputs {
  /** Adopt a same-named resource instead of failing on the name. */
  adopt: boolean;
  /** What delete does with an adopted resource. */
  adoptedOnDelete: AdoptedOnDelete;
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
