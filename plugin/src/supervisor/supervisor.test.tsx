/**
 * The supervisor view: loaded only for supervisor roles, registered with Flex's side nav and view
 * collection, and the panel's figures, problem line and refresh.
 * @jest-environment jsdom
 */
import React from "react";
import ReactDOM from "react-dom";
import { act } from "react-dom/test-utils";
import type { RecoveriesResponse } from "@flex-call-recovery/vocabulary";
import {
  RECOVERIES_VIEW,
  RecoveriesPanel,
  registerRecoveriesView,
  SUPERVISOR_DEFAULT_STRINGS,
  type SupervisorTranslate,
} from "./RecoveriesView";
import { startSupervisorView } from "./start";
import type { RecoveriesViewChunk, SupervisorFlex } from "./types";
import { renderTemplate } from "../recovery/strings";

const TODAY: RecoveriesResponse = {
  day: "2026-12-02",
  summary: {
    dropped: 5,
    sameAgent: 3,
    otherAgent: 1,
    abandoned: 1,
    waitP50Seconds: 12.34,
    waitP95Seconds: 41,
    agents: [
      { workerSid: "WK1", workerName: "Alice", drops: 4 },
      { workerSid: "WK2", workerName: "Bob", drops: 1 },
    ],
  },
};

function fakeFlex() {
  const sideNav: React.ReactElement[] = [];
  const views: React.ReactElement[] = [];
  const invoked: [string, unknown][] = [];
  const flex = {
    SideNav: { Content: { add: (element: React.ReactElement) => sideNav.push(element) } },
    ViewCollection: { Content: { add: (element: React.ReactElement) => views.push(element) } },
    SideLink: (props: { children?: React.ReactNode; onClick?: () => void; isActive?: boolean }) => (
      <button type="button" data-active={String(props.isActive)} onClick={props.onClick}>
        {props.children}
      </button>
    ),
    View: (props: { name: string; children: React.ReactNode }) => <div data-view={props.name}>{props.children}</div>,
    Actions: {
      invokeAction: async (name: string, payload: unknown) => {
        invoked.push([name, payload]);
      },
    },
  };
  return { flex: flex as unknown as SupervisorFlex, sideNav, views, invoked };
}

describe("startSupervisorView", () => {
  it.each([[["agent"]], [[]], [undefined]])("loads nothing for roles %p", async (roles) => {
    const load = jest.fn<Promise<RecoveriesViewChunk>, []>();
    const manager = { user: { token: "t", roles }, strings: {} };
    expect(await startSupervisorView(fakeFlex().flex, manager, "https://fn.test", load)).toBe(false);
    expect(load).not.toHaveBeenCalled();
  });

  it.each([[["supervisor"]], [["agent", "admin"]]])("loads and registers the view for roles %p", async (roles) => {
    const { flex, sideNav, views } = fakeFlex();
    const manager = { user: { token: "t", roles }, strings: {} };
    const load = jest.fn(async () => ({ registerRecoveriesView }));
    expect(await startSupervisorView(flex, manager, "https://fn.test", load)).toBe(true);
    expect(load).toHaveBeenCalledTimes(1);
    expect(sideNav).toHaveLength(1);
    expect(views).toHaveLength(1);
    expect(views[0].props.name).toBe(RECOVERIES_VIEW);
  });

  it("logs a chunk that cannot be loaded and leaves Flex as it was", async () => {
    const error = jest.spyOn(console, "error").mockImplementation(() => undefined);
    const { flex, sideNav } = fakeFlex();
    const manager = { user: { token: "t", roles: ["supervisor"] }, strings: {} };
    const load = async (): Promise<RecoveriesViewChunk> => {
      throw new Error("chunk 404");
    };
    expect(await startSupervisorView(flex, manager, "https://fn.test", load)).toBe(false);
    expect(sideNav).toHaveLength(0);
    expect(error).toHaveBeenCalledWith("[flex-call-recovery] loading the supervisor view failed", expect.any(Error));
    error.mockRestore();
  });
});

describe("the side link and view", () => {
  let root: HTMLDivElement;
  beforeEach(() => {
    root = document.createElement("div");
    document.body.appendChild(root);
  });
  afterEach(() => {
    ReactDOM.unmountComponentAtNode(root);
    root.remove();
  });

  it("navigates to the view, marks the link active there, and keeps a centre's own texts", async () => {
    const { flex, sideNav, invoked } = fakeFlex();
    const strings: Record<string, string> = { FlexCallRecoverySupervisorLink: "Reconexiones" };
    registerRecoveriesView(flex, { strings, functionsBaseUrl: "https://fn.test", getToken: () => "t" });
    expect(strings.FlexCallRecoverySupervisorTitle).toBe(SUPERVISOR_DEFAULT_STRINGS.FlexCallRecoverySupervisorTitle);
    act(() => {
      ReactDOM.render(React.cloneElement(sideNav[0], { activeView: RECOVERIES_VIEW }), root);
    });
    const link = root.querySelector("button")!;
    expect(link.textContent).toBe("Reconexiones");
    expect(link.dataset.active).toBe("true");
    await act(async () => link.click());
    expect(invoked).toEqual([["NavigateToView", { viewName: RECOVERIES_VIEW }]]);
  });
});

describe("RecoveriesPanel", () => {
  const t: SupervisorTranslate = (key, params) => renderTemplate(SUPERVISOR_DEFAULT_STRINGS[key], params);
  const NOW = () => new Date("2026-12-02T10:15:30Z");
  let root: HTMLDivElement;
  beforeEach(() => {
    jest.useFakeTimers();
    root = document.createElement("div");
    document.body.appendChild(root);
  });
  afterEach(() => {
    ReactDOM.unmountComponentAtNode(root);
    root.remove();
    jest.useRealTimers();
  });
  const text = (id: string) => root.querySelector(`[data-testid="flex-call-recovery-recoveries-${id}"]`)?.textContent;
  /** Lets the load's promise chain (answer, then the next timer) settle. */
  const flush = async () => {
    for (let i = 0; i < 3; i++) await act(async () => undefined);
  };

  it("shows today's figures and the drops per agent", async () => {
    act(() => {
      ReactDOM.render(<RecoveriesPanel load={async () => TODAY} t={t} now={NOW} />, root);
    });
    await flush();
    expect(root.querySelector("h1")?.textContent).toBe("Call recovery today (2026-12-02, UTC)");
    expect(["dropped", "same-agent", "other-agent", "abandoned", "wait-p50", "wait-p95"].map((id) => text(id))).toEqual(
      ["5", "3", "1", "1", "12.3 s", "41.0 s"],
    );
    const rows = [...root.querySelectorAll("tbody tr")].map((row) =>
      [...row.querySelectorAll("td")].map((cell) => cell.textContent),
    );
    expect(rows).toEqual([
      ["Alice", "4"],
      ["Bob", "1"],
    ]);
    expect(root.textContent).toContain("Updated 10:15:30");
  });

  it("asks again every refreshMs while shown and stops when unmounted", async () => {
    const load = jest.fn(async () => TODAY);
    act(() => {
      ReactDOM.render(<RecoveriesPanel load={load} t={t} refreshMs={15_000} now={NOW} />, root);
    });
    await flush();
    expect(load).toHaveBeenCalledTimes(1);
    await act(async () => {
      jest.advanceTimersByTime(15_000);
    });
    expect(load).toHaveBeenCalledTimes(2);
    // React 17 runs an unmounted component's effect clean-up after the commit: act() flushes it.
    act(() => {
      ReactDOM.unmountComponentAtNode(root);
    });
    jest.advanceTimersByTime(60_000);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("asks nothing while the tab is hidden and asks at once when it is shown again", async () => {
    let visibility: DocumentVisibilityState = "visible";
    const spy = jest.spyOn(document, "visibilityState", "get").mockImplementation(() => visibility);
    try {
      const load = jest.fn(async () => TODAY);
      act(() => {
        ReactDOM.render(<RecoveriesPanel load={load} t={t} refreshMs={15_000} now={NOW} />, root);
      });
      await flush();
      expect(load).toHaveBeenCalledTimes(1);
      visibility = "hidden";
      document.dispatchEvent(new Event("visibilitychange"));
      await act(async () => {
        jest.advanceTimersByTime(120_000);
      });
      expect(load).toHaveBeenCalledTimes(1); // the refresh due while hidden asked nothing
      visibility = "visible";
      await act(async () => {
        document.dispatchEvent(new Event("visibilitychange"));
      });
      await flush();
      expect(load).toHaveBeenCalledTimes(2);
      await act(async () => {
        jest.advanceTimersByTime(15_000);
      });
      expect(load).toHaveBeenCalledTimes(3); // and every refreshMs again
    } finally {
      spy.mockRestore();
    }
  });

  it("says when the figures cannot be loaded, keeps the last ones and recovers", async () => {
    let fail = true;
    const load = async () => {
      if (fail) throw { status: 503, success: false, message: "POST /flex/recoveries failed with HTTP 503" };
      return TODAY;
    };
    act(() => {
      ReactDOM.render(<RecoveriesPanel load={load} t={t} refreshMs={1000} now={NOW} />, root);
    });
    await flush();
    expect(text("recoveries-problem")).toBeUndefined();
    expect(root.querySelector('[role="alert"]')?.textContent).toBe(
      "The recoveries cannot be loaded right now (POST /flex/recoveries failed with HTTP 503). Retrying.",
    );
    fail = false;
    await act(async () => {
      jest.advanceTimersByTime(1000);
    });
    await flush();
    expect(root.querySelector('[role="alert"]')).toBeNull();
    expect(text("dropped")).toBe("5");
  });

  it("says that nobody dropped on a quiet day", async () => {
    const quiet: RecoveriesResponse = {
      day: "2026-12-02",
      summary: {
        dropped: 0,
        sameAgent: 0,
        otherAgent: 0,
        abandoned: 0,
        waitP50Seconds: null,
        waitP95Seconds: null,
        agents: [],
      },
    };
    act(() => {
      ReactDOM.render(<RecoveriesPanel load={async () => quiet} t={t} now={NOW} />, root);
    });
    await flush();
    expect(text("wait-p50")).toBe("—");
    expect(root.textContent).toContain("No agent dropped today.");
  });
});
