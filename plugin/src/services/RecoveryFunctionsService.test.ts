import { FunctionRoute } from "@flex-call-recovery/vocabulary";
import { RecoveryFunctionsService } from "./RecoveryFunctionsService";

type Answer = { status: number; body: unknown } | "network-error";

function service(answers: Answer[]) {
  const requests: { url: string; body: Record<string, unknown> }[] = [];
  const sleeps: number[] = [];
  const fetchStub = (async (url: string, init: RequestInit) => {
    requests.push({ url, body: JSON.parse(String(init.body)) });
    const answer = answers.shift();
    if (!answer || answer === "network-error") throw new TypeError("Failed to fetch");
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  }) as unknown as typeof fetch;
  const svc = new RecoveryFunctionsService({
    baseUrl: "https://fcr.twil.io/",
    getToken: () => "flex-token",
    fetch: fetchStub,
    retries: 2,
    backoffMs: 100,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { svc, requests, sleeps };
}

describe("RecoveryFunctionsService", () => {
  it("posts the request with the Flex token to the route", async () => {
    const { svc, requests } = service([{ status: 200, body: { success: true } }]);
    await expect(svc.endConference({ conferenceSid: "CF1" })).resolves.toEqual({ success: true });
    expect(requests).toEqual([
      { url: `https://fcr.twil.io${FunctionRoute.endConference}`, body: { conferenceSid: "CF1", Token: "flex-token" } },
    ]);
  });

  it("retries network errors and 5xx with doubling backoff", async () => {
    const { svc, sleeps } = service([
      "network-error",
      { status: 503, body: { success: false, message: "busy" } },
      { status: 200, body: { success: true, token: "t", identity: "i", ttl: 60 } },
    ]);
    await expect(svc.syncToken()).resolves.toMatchObject({ token: "t" });
    expect(sleeps).toEqual([100, 200]);
  });

  it("rejects a 4xx at once with the status and the body", async () => {
    const { svc, requests } = service([{ status: 403, body: { success: false, message: "token invalid" } }]);
    await expect(svc.unregisterWorker({ conferenceSid: "CF1", workerCallSid: "CA1" })).rejects.toEqual({
      status: 403,
      success: false,
      message: `POST ${FunctionRoute.unregisterWorker} failed with HTTP 403: token invalid`,
    });
    expect(requests).toHaveLength(1);
  });

  it("gives up after the retries with status 0 for network failures", async () => {
    const { svc, requests } = service(["network-error", "network-error", "network-error"]);
    await expect(svc.moveParticipants({ fromConferenceSid: "CF1", toConferenceSid: "CF2" })).rejects.toMatchObject({
      status: 0,
      success: false,
    });
    expect(requests).toHaveLength(3);
  });
});
