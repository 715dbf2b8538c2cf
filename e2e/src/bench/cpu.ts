// CPU time the functions spend, apart from the twin and the harness that share this process: an
// async hook reads process CPU (getrusage: user + system) around every callback that runs in the
// functions' async context (everything twilio-run's server does; see functionsServer.ts). The
// twin's handling of the functions' REST calls runs in the twin server's contexts: not counted.
import { createHook } from "async_hooks";
import { functionsContext } from "../harness/functionsServer";

export class FunctionCpuMeter {
  private micros = 0;
  // Readings of callbacks running now (callbacks may nest; only the outermost measured one reads
  // the clock, so nothing is counted twice).
  private readonly open: (NodeJS.CpuUsage | null)[] = [];
  private measuring = 0;
  private readonly hook = createHook({
    before: () => {
      const measure = this.measuring === 0 && functionsContext.getStore() === true;
      if (measure) this.measuring++;
      this.open.push(measure ? process.cpuUsage() : null);
    },
    after: () => {
      const start = this.open.pop();
      if (!start) return;
      this.measuring--;
      const used = process.cpuUsage(start);
      this.micros += used.user + used.system;
    },
  });

  /** Starts counting; returns the stop function. */
  start(): () => void {
    this.hook.enable();
    return () => this.hook.disable();
  }

  get cpuMs(): number {
    return this.micros / 1000;
  }
}
