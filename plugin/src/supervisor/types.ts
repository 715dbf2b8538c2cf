// What the supervisor view's chunk needs from Flex and exports to the main bundle (types only:
// nothing here is bundled).
import type * as Flex from "@twilio/flex-ui";

/** The parts of Flex the view registers itself with (passed in: the chunk imports no Flex). */
export type SupervisorFlex = Pick<typeof Flex, "SideNav" | "SideLink" | "ViewCollection" | "View" | "Actions">;

export interface RecoveriesViewOptions {
  /** Flex's `manager.strings`: our default texts are added where a centre has none. */
  strings: object;
  /** `https://<serverlessDomain>`. */
  functionsBaseUrl: string;
  getToken: () => string;
  /** How often the view asks for today's summary while it is shown (default 15 s). */
  refreshMs?: number;
}

/** The chunk's exports. */
export interface RecoveriesViewChunk {
  registerRecoveriesView(flex: SupervisorFlex, options: RecoveriesViewOptions): void;
}
