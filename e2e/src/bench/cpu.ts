// CPU time the functions spend, apart from the twin and the harness that share this process: an
// async hook follows which async context runs (the functions' context is everything twilio-run's
// server does; see functionsServer.ts) and reads process CPU (getrusage: user + system) only when
// the CPU passes from one side to the other, so a run of the functions' callbacks costs two
// readings, not two per callback (they were a fifth of the burst's CPU). Time between callbacks
// (the event loop's own work) counts for the side whose callback ran last. The twin's handling of
// the functions' REST calls runs in the twin server's contexts: not counted.
import { createHook } from "async_hooks";
import { functionsContext } from "../harness/functionsServer";

export class FunctionCpuMeter {
  private micros = 0;
  /** Whether each callback running now (callbacks may nest) is the functions'; innermost last. */
  private readonly running: boolean[] = [];
  /** The reading when the functions' side took the CPU, or null while the other side has it. */
  private since: NodeJS.CpuUsage | null = null;
  private readonly hook = createHook({
    before: () => {
      const functions = functionsContext.getStore() === true;
      this.running.push(functions);
      this.switchTo(functions);
    },
    after: () => {
      this.running.pop();
      // Back in the enclosing callback's context; after the outermost, the last side keeps the CPU.
      if (this.running.length > 0) this.switchTo(this.running[this.running.length - 1]);
    },
  });

  private switchTo(functions: boolean): void {
    if (functions === (this.since !== null)) return;
    if (functions) {
      this.since = process.cpuUsage();
    } else {
      const used = process.cpuUsage(this.since ?? undefined);
      this.micros += used.user + used.system;
      this.since = null;
    }
  }

  /** Starts counting; returns the stop function. */
  start(): () => void {
    this.hook.enable();
    return () => {
      this.hook.disable();
      this.switchTo(false);
    };
  }

  get cpuMs(): number {
    return this.micros / 1000;
  }
}
