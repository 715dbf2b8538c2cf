// The one piece of shared state between the controller (which sets the dialog through the port)
// and the React host that renders it: a tiny observable, so no Redux reducer is needed.
import type { DialogState } from "../../recovery/types";

export interface DialogStore {
  get(): DialogState | null;
  set(state: DialogState | null): void;
  subscribe(listener: () => void): () => void;
}

export function createDialogStore(): DialogStore {
  let current: DialogState | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => current,
    set(state) {
      current = state;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
