import { describe, expect, it } from "vitest";
import { assessActivity, elapsedShare, type AssessInput } from "../../../src/core/plan/status.ts";

const base: AssessInput = {
  today: "2022-07-15",
  start: "2022-04-04",
  end: "2022-12-20",
  goal: 20,
  level: false,
  valueByEnd: 0,
  valueNow: 0,
  districtsByEnd: true,
  districtsNow: true,
};
const assess = (over: Partial<AssessInput>) => assessActivity({ ...base, ...over });

describe("plan activity states", () => {
  it("measures the elapsed share with both ends inclusive", () => {
    expect(elapsedShare("2022-04-04", "2022-04-04", "2022-12-20")).toBeCloseTo(1 / 261);
    expect(elapsedShare("2022-07-15", "2022-04-04", "2022-12-20")).toBeCloseTo(103 / 261);
    expect(elapsedShare("2022-12-20", "2022-04-04", "2022-12-20")).toBe(1);
    expect(elapsedShare("2022-01-01", "2022-04-04", "2022-12-20")).toBe(0);
  });

  it("a count is at risk when it lags the straight line by more than max(1, 10 % of the goal)", () => {
    // Expected 20 × 103/261 = 7.89; slack 2: 5.89 is the line between on track and at risk.
    expect(assess({ valueNow: 6, valueByEnd: 6 }).state).toBe("on_track");
    expect(assess({ valueNow: 5, valueByEnd: 5 }).state).toBe("at_risk");
    expect(assess({ goal: 1, valueNow: 0, valueByEnd: 0 }).state).toBe("on_track"); // one hearing: the slack is a whole one
  });

  it("an unmet count is at risk in the last 15 days, whatever the pace", () => {
    expect(assess({ today: "2022-12-05", goal: 1, valueNow: 0, valueByEnd: 0 }).state).toBe("on_track"); // 15 days left
    expect(assess({ today: "2022-12-06", goal: 1, valueNow: 0, valueByEnd: 0 }).state).toBe("at_risk");
  });

  it("before the start an activity is on track and not started; after the end it is late unless met", () => {
    expect(assess({ today: "2022-03-01" })).toMatchObject({ state: "on_track", started: false });
    expect(assess({ today: "2022-12-21", valueNow: 19, valueByEnd: 19 })).toMatchObject({
      state: "late",
      onTime: null,
    });
  });

  it("done on time when met by the end date, done late when met only after it", () => {
    expect(assess({ today: "2022-09-01", valueNow: 20, valueByEnd: 20 })).toMatchObject({
      state: "done",
      onTime: true,
    });
    expect(assess({ today: "2022-12-28", valueNow: 20, valueByEnd: 18 })).toMatchObject({
      state: "done",
      onTime: false,
    });
  });

  it("district minimums must be met too", () => {
    expect(
      assess({
        goal: 29,
        today: "2022-12-01",
        end: "2022-11-30",
        valueNow: 29,
        valueByEnd: 29,
        districtsByEnd: false,
        districtsNow: false,
      }).state,
    ).toBe("late");
    expect(
      assess({
        goal: 29,
        today: "2022-12-01",
        end: "2022-11-30",
        valueNow: 29,
        valueByEnd: 29,
        districtsByEnd: false,
        districtsNow: true,
      }),
    ).toMatchObject({ state: "done", onTime: false });
  });

  it("a share is judged against its goal with a 10-point slack while running, and only met at the end", () => {
    const share = { level: true, goal: 90 };
    expect(assess({ ...share, valueNow: 95, valueByEnd: 95 }).state).toBe("on_track");
    expect(assess({ ...share, valueNow: 80, valueByEnd: 80 }).state).toBe("on_track");
    expect(assess({ ...share, valueNow: 79.9, valueByEnd: 79.9 }).state).toBe("at_risk");
    expect(assess({ ...share, valueNow: null, valueByEnd: null }).state).toBe("on_track"); // nothing came due yet
    expect(assess({ ...share, today: "2022-12-21", valueNow: 90, valueByEnd: 90 })).toMatchObject({
      state: "done",
      onTime: true,
    });
    expect(assess({ ...share, today: "2022-12-21", valueNow: 89, valueByEnd: 89 }).state).toBe("late");
  });
});
