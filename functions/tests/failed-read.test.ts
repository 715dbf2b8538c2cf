// A Sync read that fails while the other fact of the same round trip is still on its way must be
// the handler's error (answered 500, redelivered), never an unhandled rejection: under twilio-run
// (functions in-process) an unhandled rejection takes the whole process down. Jest's sandbox does
// not show a rejection handled late, so the scenarios run in a child Node process.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

function runChild(which: string): { statusCode: number; failedFirst: number; unhandled: string[] } {
  const output = execFileSync(
    process.execPath,
    ["--import", "tsx", join(__dirname, "support", "failedReadChild.ts"), which],
    {
      cwd: join(__dirname, ".."),
      encoding: "utf8",
      timeout: 30_000,
    },
  );
  return JSON.parse(output.trim().split("\n").pop() ?? "{}");
}

it("conference-status-handler: the leave's state read fails while the participants list is slow", () => {
  expect(runChild("conference")).toEqual({ statusCode: 500, failedFirst: 1, unhandled: [] });
});

it("task-event-handler: task-queue.entered's state read fails while the reservation fetch is slow", () => {
  expect(runChild("task-event")).toEqual({ statusCode: 500, failedFirst: 1, unhandled: [] });
});
