// TaskRouter's URL table (paths as in twilio_taskrouter_v1.json). A row naming an operation is
// served by the backend method of that name (http/operations.ts); the rest by a handler.
import { resource, routeTable } from "../http/router";
import * as r from "./responses";

const WS = "/v1/Workspaces/{WorkspaceSid}";

export const taskrouterRoutes = routeTable(
  "taskrouter.twilio.com",
  [
    // Workspaces: the container of everything below.
    ...resource("Workspace", "/v1/Workspaces", r.serializeWorkspace),
    // Activities: a worker's state (Available, Offline...).
    ...resource("Activity", `${WS}/Activities`, r.serializeActivity),
    // Task channels: voice, chat... ({Sid} may be the unique name).
    ...resource("TaskChannel", `${WS}/TaskChannels`, r.serializeTaskChannel),
    // Workers, their per-channel settings and their view of reservations.
    ...resource("Worker", `${WS}/Workers`, r.serializeWorker),
    ...resource("WorkerChannel", `${WS}/Workers/{WorkerSid}/Channels`, r.serializeWorkerChannel, "list fetch update"),
    ...resource("WorkerReservation", `${WS}/Workers/{WorkerSid}/Reservations`, r.serializeReservation, "list fetch"),
    ["POST", `${WS}/Workers/{WorkerSid}/Reservations/{Sid}`, r.updateWorkerReservation],
    // Task queues (statistics routes are not served: nothing here reads them).
    ...resource("TaskQueue", `${WS}/TaskQueues`, r.serializeTaskQueue),
    // Workflows: the routing configuration the engine evaluates.
    ...resource("Workflow", `${WS}/Workflows`, r.serializeWorkflow),
    // Tasks (with ETags) and their reservations (created by the engine, never over REST).
    ["GET", `${WS}/Tasks`, r.listTask],
    ["POST", `${WS}/Tasks`, r.createTask],
    ["GET", `${WS}/Tasks/{Sid}`, r.fetchTask],
    ["POST", `${WS}/Tasks/{Sid}`, r.updateTask],
    ["DELETE", `${WS}/Tasks/{Sid}`, r.deleteTask],
    ...resource("TaskReservation", `${WS}/Tasks/{TaskSid}/Reservations`, r.serializeReservation, "list fetch"),
    ["POST", `${WS}/Tasks/{TaskSid}/Reservations/{Sid}`, r.updateTaskReservation],
  ],
  (account) => account.taskrouter,
);
