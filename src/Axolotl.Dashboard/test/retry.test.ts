// Unit tests of the retries of a request that never reached the server (no real timers).
import assert from "node:assert/strict";
import { test } from "node:test";
import { withRetries } from "../src/retry";

const transient = (e: unknown) => e instanceof Error && e.message === "network";

function script(outcomes: ("network" | "denied" | "ok")[]) {
  const slept: number[] = [];
  let calls = 0;
  const attempt = async () => {
    const outcome = outcomes[calls++];
    if (outcome === "ok") return `ok after ${calls}`;
    throw new Error(outcome);
  };
  const sleep = async (ms: number) => {
    slept.push(ms);
  };
  return { attempt, sleep, slept, calls: () => calls };
}

test("a network failure is retried after the given pauses until a try succeeds", async () => {
  const s = script(["network", "network", "ok"]);
  assert.equal(await withRetries(s.attempt, transient, undefined, [10, 20, 30], s.sleep), "ok after 3");
  assert.deepEqual(s.slept, [10, 20]);
});

test("after the last pause the last failure is what the caller sees", async () => {
  const s = script(["network", "network", "network", "ok"]);
  await assert.rejects(withRetries(s.attempt, transient, undefined, [10, 20], s.sleep), /network/);
  assert.equal(s.calls(), 3);
});

test("an answer from the server (not transient) is never retried", async () => {
  const s = script(["denied", "ok"]);
  await assert.rejects(withRetries(s.attempt, transient, undefined, [10], s.sleep), /denied/);
  assert.equal(s.calls(), 1);
  assert.deepEqual(s.slept, []);
});

test("an aborted request stops retrying", async () => {
  const controller = new AbortController();
  const s = script(["network", "ok"]);
  const sleep = async () => controller.abort();
  await assert.rejects(withRetries(s.attempt, transient, controller.signal, [10], sleep), /network/);
  assert.equal(s.calls(), 1);
});

test("a request that works at once makes one call and never sleeps", async () => {
  const s = script(["ok"]);
  assert.equal(await withRetries(s.attempt, transient, undefined, [10], s.sleep), "ok after 1");
  assert.deepEqual(s.slept, []);
});
