// Every product's URL table, in one list the server and the route-coverage test share.
import type { Route } from "./http/router";
import { eventStreamsRoutes } from "./events/routes";
import { flexRoutes } from "./flex/routes";
import { iamRoutes } from "./iam/routes";
import { keysRoutes } from "./keys/routes";
import { serverlessRoutes, serverlessUploadRoutes } from "./serverless/routes";
import { syncRoutes } from "./sync/routes";
import { taskrouterRoutes } from "./taskrouter/routes";
import { voiceRoutes } from "./voice/routes";

export const ALL_ROUTES: readonly Route[] = [
  ...taskrouterRoutes,
  ...syncRoutes,
  ...serverlessRoutes,
  ...serverlessUploadRoutes,
  ...eventStreamsRoutes,
  ...flexRoutes,
  ...voiceRoutes,
  ...keysRoutes,
  ...iamRoutes,
];
