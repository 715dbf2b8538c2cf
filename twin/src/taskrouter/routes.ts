// TaskRouter's URL table (paths as in twilio_taskrouter_v1.json). A row naming an operation is
// served by the backend method of that name (http/operations.ts); the rest by a handler.
import { routeTable } from "../http/router";
import * as r from "./responses";

const WS = "/v1/Workspaces/{WorkspaceSid}";

export const taskrouterRoutes = routeTable(
  "taskrouter.twilio.com",
  [
    // Workspaces: the container of everything below.
    ["GET", "/v1/Workspaces", "listWorkspace", r.serializeWorkspace],
    ["POST", "/v1/Workspaces", "createWorkspace", r.serializeWorkspace],
    ["GET", "/v1/Workspaces/{Sid}", "fetchWorkspace", r.serializeWorkspace],
    ["POST", "/v1/Workspaces/{Sid}", "updateWorkspace", r.serializeWorkspace],
    ["DELETE", "/v1/Workspaces/{Sid}", "deleteWorkspace", r.serializeWorkspace],
    // Activities: a worker's state (Available, Offline...).
    ["GET", `${WS}/Activities`, "listActivity", r.serializeActivity],
    ["POST", `${WS}/Activities`, "createActivity", r.serializeActivity],
    ["GET", `${WS}/Activities/{Sid}`, "fetchActivity", r.serializeActivity],
    ["POST", `${WS}/Activities/{Sid}`, "updateActivity", r.serializeActivity],
    ["DELETE", `${WS}/Activities/{Sid}`, "deleteActivity", r.serializeActivity],
    // Task channels: voice, chat... ({Sid} may be the unique name).
    ["GET", `${WS}/TaskChannels`, "listTaskChannel", r.serializeTaskChannel],
    ["POST", `${WS}/TaskChannels`, "createTaskChannel", r.serializeTaskChannel],
    ["GET", `${WS}/TaskChannels/{Sid}`, "fetchTaskChannel", r.serializeTaskChannel],
    ["POST", `${WS}/TaskChannels/{Sid}`, "updateTaskChannel", r.serializeTaskChannel],
    ["DELETE", `${WS}/TaskChannels/{Sid}`, "deleteTaskChannel", r.serializeTaskChannel],
    // Workers, their per-channel settings and their view of reservations.
    ["GET", `${WS}/Workers`, "listWorker", r.serializeWorker],
    ["POST", `${WS}/Workers`, "createWorker", r.serializeWorker],
    ["GET", `${WS}/Workers/{Sid}`, "fetchWorker", r.serializeWorker],
    ["POST", `${WS}/Workers/{Sid}`, "updateWorker", r.serializeWorker],
    ["DELETE", `${WS}/Workers/{Sid}`, "deleteWorker", r.serializeWorker],
    ["GET", `${WS}/Workers/{WorkerSid}/Channels`, "listWorkerChannel", r.serializeWorkerChannel],
    ["GET", `${WS}/Workers/{WorkerSid}/Channels/{Sid}`, "fetchWorkerChannel", r.serializeWorkerChannel],
    ["POST", `${WS}/Workers/{WorkerSid}/Channels/{Sid}`, "updateWorkerChannel", r.serializeWorkerChannel],
    ["GET", `${WS}/Workers/{WorkerSid}/Reservations`, "listWorkerReservation", r.serializeReservation],
    ["GET", `${WS}/Workers/{WorkerSid}/Reservations/{Sid}`, "fetchWorkerReservation", r.serializeReservation],
    ["POST", `${WS}/Workers/{WorkerSid}/Reservations/{Sid}`, r.updateWorkerReservation],
    // Task queues (statistics routes are not served: nothing here reads them).
    ["GET", `${WS}/TaskQueues`, "listTaskQueue", r.serializeTaskQueue],
    ["POST", `${WS}/TaskQueues`, "createTaskQueue", r.serializeTaskQueue],
    ["GET", `${WS}/TaskQueues/{Sid}`, "fetchTaskQueue", r.serializeTaskQueue],
    ["POST", `${WS}/TaskQueues/{Sid}`, "updateTaskQueue", r.serializeTaskQueue],
    ["DELETE", `${WS}/TaskQueues/{Sid}`, "deleteTaskQueue", r.serializeTaskQueue],
    // Workflows: the routing configuration the engine evaluates.
    ["GET", `${WS}/Workflows`, "listWorkflow", r.serializeWorkflow],
    ["POST", `${WS}/Workflows`, "createWorkflow", r.serializeWorkflow],
    ["GET", `${WS}/Workflows/{Sid}`, "fetchWorkflow", r.serializeWorkflow],
    ["POST", `${WS}/Workflows/{Sid}`, "updateWorkflow", r.serializeWorkflow],
    ["DELETE", `${WS}/Workflows/{Sid}`, "deleteWorkflow", r.serializeWorkflow],
    // Tasks (with ETags) and their reservations (created by the engine, never over REST).
    ["GET", `${WS}/Tasks`, r.listTask],
    ["POST", `${WS}/Tasks`, r.createTask],
    ["GET", `${WS}/Tasks/{Sid}`, r.fetchTask],
    ["POST", `${WS}/Tasks/{Sid}`, r.updateTask],
    ["DELETE", `${WS}/Tasks/{Sid}`, r.deleteTask],
    ["GET", `${WS}/Tasks/{TaskSid}/Reservations`, "listTaskReservation", r.serializeReservation],
    ["GET", `${WS}/Tasks/{TaskSid}/Reservations/{Sid}`, "fetchTaskReservation", r.serializeReservation],
    ["POST", `${WS}/Tasks/{TaskSid}/Reservations/{Sid}`, r.updateTaskReservation],
  ],
  (account) => account.taskrouter,
);
