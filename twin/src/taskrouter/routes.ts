// TaskRouter's URL table (paths as in twilio_taskrouter_v1.json).
import { routeTable } from "../http/router";
import * as r from "./responses";

const WS = "/v1/Workspaces/{WorkspaceSid}";

export const taskrouterRoutes = routeTable("taskrouter.twilio.com", [
  // Workspaces: the container of everything below.
  ["GET", "/v1/Workspaces", r.listWorkspace],
  ["POST", "/v1/Workspaces", r.createWorkspace],
  ["GET", "/v1/Workspaces/{Sid}", r.fetchWorkspace],
  ["POST", "/v1/Workspaces/{Sid}", r.updateWorkspace],
  ["DELETE", "/v1/Workspaces/{Sid}", r.deleteWorkspace],
  // Activities: a worker's state (Available, Offline...).
  ["GET", `${WS}/Activities`, r.listActivity],
  ["POST", `${WS}/Activities`, r.createActivity],
  ["GET", `${WS}/Activities/{Sid}`, r.fetchActivity],
  ["POST", `${WS}/Activities/{Sid}`, r.updateActivity],
  ["DELETE", `${WS}/Activities/{Sid}`, r.deleteActivity],
  // Task channels: voice, chat... ({Sid} may be the unique name).
  ["GET", `${WS}/TaskChannels`, r.listTaskChannel],
  ["POST", `${WS}/TaskChannels`, r.createTaskChannel],
  ["GET", `${WS}/TaskChannels/{Sid}`, r.fetchTaskChannel],
  ["POST", `${WS}/TaskChannels/{Sid}`, r.updateTaskChannel],
  ["DELETE", `${WS}/TaskChannels/{Sid}`, r.deleteTaskChannel],
  // Workers, their per-channel settings and their view of reservations.
  ["GET", `${WS}/Workers`, r.listWorker],
  ["POST", `${WS}/Workers`, r.createWorker],
  ["GET", `${WS}/Workers/{Sid}`, r.fetchWorker],
  ["POST", `${WS}/Workers/{Sid}`, r.updateWorker],
  ["DELETE", `${WS}/Workers/{Sid}`, r.deleteWorker],
  ["GET", `${WS}/Workers/{WorkerSid}/Channels`, r.listWorkerChannel],
  ["GET", `${WS}/Workers/{WorkerSid}/Channels/{Sid}`, r.fetchWorkerChannel],
  ["POST", `${WS}/Workers/{WorkerSid}/Channels/{Sid}`, r.updateWorkerChannel],
  ["GET", `${WS}/Workers/{WorkerSid}/Reservations`, r.listWorkerReservation],
  ["GET", `${WS}/Workers/{WorkerSid}/Reservations/{Sid}`, r.fetchWorkerReservation],
  ["POST", `${WS}/Workers/{WorkerSid}/Reservations/{Sid}`, r.updateWorkerReservation],
  // Task queues (statistics routes are not served: nothing here reads them).
  ["GET", `${WS}/TaskQueues`, r.listTaskQueue],
  ["POST", `${WS}/TaskQueues`, r.createTaskQueue],
  ["GET", `${WS}/TaskQueues/{Sid}`, r.fetchTaskQueue],
  ["POST", `${WS}/TaskQueues/{Sid}`, r.updateTaskQueue],
  ["DELETE", `${WS}/TaskQueues/{Sid}`, r.deleteTaskQueue],
  // Workflows: the routing configuration the engine evaluates.
  ["GET", `${WS}/Workflows`, r.listWorkflow],
  ["POST", `${WS}/Workflows`, r.createWorkflow],
  ["GET", `${WS}/Workflows/{Sid}`, r.fetchWorkflow],
  ["POST", `${WS}/Workflows/{Sid}`, r.updateWorkflow],
  ["DELETE", `${WS}/Workflows/{Sid}`, r.deleteWorkflow],
  // Tasks and their reservations (reservations are created by the engine, never over REST).
  ["GET", `${WS}/Tasks`, r.listTask],
  ["POST", `${WS}/Tasks`, r.createTask],
  ["GET", `${WS}/Tasks/{Sid}`, r.fetchTask],
  ["POST", `${WS}/Tasks/{Sid}`, r.updateTask],
  ["DELETE", `${WS}/Tasks/{Sid}`, r.deleteTask],
  ["GET", `${WS}/Tasks/{TaskSid}/Reservations`, r.listTaskReservation],
  ["GET", `${WS}/Tasks/{TaskSid}/Reservations/{Sid}`, r.fetchTaskReservation],
  ["POST", `${WS}/Tasks/{TaskSid}/Reservations/{Sid}`, r.updateTaskReservation],
]);
