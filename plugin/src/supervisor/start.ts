// Main-bundle side of the supervisor view: the role check and the chunk's load, nothing else. The
// view itself (side link, view, polling, texts) is the `supervisor` chunk, fetched only when the
// logged-in user is a supervisor, so no agent's page ever loads its bytes. Roles: Flex's
// `manager.user.roles` (`UserInfo.roles` in @twilio/flex-ui's src/core/Manager.d.ts).
import { isSupervisor } from "@flex-call-recovery/vocabulary";
import type { RecoveriesViewChunk, SupervisorFlex } from "./types";

export interface SupervisorManagerLike {
  user: { roles?: string[]; token: string };
  strings: object;
}

/**
 * Loads and registers the supervisor view when `manager.user.roles` holds a supervisor role.
 * Resolves true once registered, false for everyone else (nothing fetched); a chunk that cannot be
 * loaded is logged and leaves Flex as it was.
 */
export async function startSupervisorView(
  flex: SupervisorFlex,
  manager: SupervisorManagerLike,
  functionsBaseUrl: string,
  loadView: () => Promise<RecoveriesViewChunk>,
): Promise<boolean> {
  if (!isSupervisor(manager.user.roles)) return false;
  try {
    const chunk = await loadView();
    chunk.registerRecoveriesView(flex, {
      strings: manager.strings,
      functionsBaseUrl,
      getToken: () => manager.user.token,
    });
    return true;
  } catch (error) {
    console.error("[flex-call-recovery] loading the supervisor view failed", error);
    return false;
  }
}
