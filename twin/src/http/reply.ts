// Answer helpers for the products' `responses.ts`.
import type { TwinResponse } from "./router";

export const ok = (body: unknown): TwinResponse => ({ status: 200, body });
export const created = (body: unknown): TwinResponse => ({ status: 201, body });
export const noContent = (): TwinResponse => ({ status: 204 });
