// Settings validation: reconnect priority bounds come from the vocabulary (the infra uses the same).
import { FunctionEnv, TASK_PRIORITY_MAX, TASK_PRIORITY_MIN } from "@flex-call-recovery/vocabulary";
import { MissingSettingError, recoveryConfig } from "../src/config";
import { contextFor } from "./support/runtime";

const withPriority = (value: string) => ({ ...contextFor("http://fake"), [FunctionEnv.reconnectPriority]: value });

describe("recoveryConfig", () => {
  it("accepts every TaskRouter priority the infra accepts, 0 included", () => {
    expect(recoveryConfig(withPriority(String(TASK_PRIORITY_MIN))).reconnectPriority).toBe(0);
    expect(recoveryConfig(withPriority(String(TASK_PRIORITY_MAX))).reconnectPriority).toBe(TASK_PRIORITY_MAX);
  });

  it.each(["-1", String(TASK_PRIORITY_MAX + 1), "1.5", "high"])("refuses %s, naming the setting", (value) => {
    expect(() => recoveryConfig(withPriority(value))).toThrow(MissingSettingError);
    expect(() => recoveryConfig(withPriority(value))).toThrow(`${FunctionEnv.reconnectPriority} (an integer from 0 to`);
  });

  it("still wants a positive ping timeout", () => {
    const context = { ...contextFor("http://fake"), [FunctionEnv.pingTimeoutSeconds]: "0" };
    expect(() => recoveryConfig(context)).toThrow(FunctionEnv.pingTimeoutSeconds);
  });
});
