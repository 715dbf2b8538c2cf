// The twin's URL scheme (moved here from the vocabulary: it is twin plumbing, not the product's contract).
import { fromTwinPath, toTwinUrl, TWIN_CORRELATION_HEADER } from "../src/url";

describe("twin URLs", () => {
  it("names the correlation header the request log groups by", () => {
    expect(TWIN_CORRELATION_HEADER).toBe("x-twin-correlation-id");
  });

  it("keeps the Twilio host in the path and round-trips", () => {
    const url = toTwinUrl("http://127.0.0.1:4010/", "https://sync.twilio.com/v1/Services/IS1/Documents?PageSize=5");
    expect(url).toBe("http://127.0.0.1:4010/sync.twilio.com/v1/Services/IS1/Documents?PageSize=5");
    expect(fromTwinPath("/sync.twilio.com/v1/Services?PageSize=5")).toEqual({
      host: "sync.twilio.com",
      path: "/v1/Services?PageSize=5",
    });
    expect(fromTwinPath("/_twin/reset")).toBeNull();
  });
});
