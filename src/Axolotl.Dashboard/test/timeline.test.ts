// Unit tests of the healing timeline's derivation (pure: no DOM, no network, explicit times).
// Run by `npm test` (esbuild bundles this file for node:test); tests/Axolotl.ApiServer.Tests runs that.
import assert from "node:assert/strict";
import { test } from "node:test";
import { HealingTimeline, healingMs, isOpen, type Announcement } from "../src/timeline";
import type { ContainerStatus, KubeEvent, Node, Pod } from "../src/types";

const owner = { kind: "ReplicaSet", name: "web-5d9", uid: "rs-1", controller: true };

function pod(uid: string, statuses: ContainerStatus[], extra: { ready?: boolean; readyAt?: string; phase?: string; reason?: string; node?: string } = {}): Pod {
  return {
    metadata: { name: `pod-${uid}`, namespace: "ns", uid, ownerReferences: [owner] },
    spec: { nodeName: extra.node ?? "n1", containers: statuses.map((s) => ({ name: s.name })) },
    status: {
      phase: extra.phase ?? "Running",
      reason: extra.reason,
      conditions: [{ type: "Ready", status: extra.ready === false ? "False" : "True", lastTransitionTime: extra.readyAt ?? "2026-01-01T00:00:05Z" }],
      containerStatuses: statuses,
    },
  };
}

const running = (restartCount: number, startedAt = "2026-01-01T00:00:00Z", ready = true): ContainerStatus => ({
  name: "app", ready, restartCount, state: { running: { startedAt } },
});

const restarted = (restartCount: number, exitCode: number, reason: string, finishedAt: string, startedAt: string, ready = true): ContainerStatus => ({
  name: "app", ready, restartCount,
  state: { running: { startedAt } },
  lastState: { terminated: { exitCode, reason, finishedAt } },
});

const terminatedNow = (restartCount: number, exitCode: number, reason: string, finishedAt: string): ContainerStatus => ({
  name: "app", ready: false, restartCount, state: { terminated: { exitCode, reason, finishedAt } },
});

function timeline(): { t: HealingTimeline; said: Announcement[] } {
  const said: Announcement[] = [];
  return { t: new HealingTimeline((a) => said.push(a)), said };
}

test("a crash seen live and its return in a later update is timed in milliseconds of the page's clock", () => {
  const { t, said } = timeline();
  t.onPod("ADDED", pod("a", [running(0)]), 1000, true);
  t.onPod("MODIFIED", pod("a", [terminatedNow(0, 3, "Error", "2026-01-01T00:00:10Z")], { ready: false }), 2000.25, false);
  const open = t.list()[0];
  assert.equal(open.kind, "Crash");
  assert.equal(open.detail, "exit code 3 (Error)");
  assert.ok(isOpen(open));
  t.onPod("MODIFIED", pod("a", [restarted(1, 3, "Error", "2026-01-01T00:00:10Z", "2026-01-01T00:00:10Z")], { readyAt: "2026-01-01T00:00:10Z" }), 2046.75, false);
  const healed = t.list()[0];
  assert.equal(t.list().length, 1, "the terminated state and the lastState of the same exit are one incident");
  assert.deepEqual(healingMs(healed), { ms: 46.5, precision: "ms" });
  assert.match(said[0].text, /^Crash: container app of pod-a, exit code 3 \(Error\)\.$/);
  assert.match(said[1].text, /serving again after 46\.5 ms/);
});

test("a crash and its return in one status update fall back to the status times, in seconds", () => {
  const { t } = timeline();
  t.onPod("ADDED", pod("a", [running(0)]), 1000, true);
  t.onPod("MODIFIED", pod("a", [restarted(1, 1, "Error", "2026-01-01T00:00:10Z", "2026-01-01T00:00:11Z")], { readyAt: "2026-01-01T00:00:11Z" }), 5000, false);
  const incident = t.list()[0];
  assert.equal(incident.servingObserved, undefined);
  assert.deepEqual(healingMs(incident), { ms: 1000, precision: "s" });
});

test("an OOM kill is named after the reason the agent reports", () => {
  const { t } = timeline();
  t.onPod("ADDED", pod("a", [running(0)]), 1000, true);
  t.onPod("MODIFIED", pod("a", [restarted(1, 137, "OOMKilled", "2026-01-01T00:00:10Z", "2026-01-01T00:00:10Z", false)], { ready: false }), 2000, false);
  assert.equal(t.list()[0].kind, "OOMKilled");
  assert.ok(isOpen(t.list()[0]), "not ready yet: still open");
});

test("a liveness probe kill is recognised whether its event comes before or after the status", () => {
  const killing = (uid: string): KubeEvent => ({
    metadata: { name: "e", uid: `e-${uid}` }, reason: "Killing", message: "Container app failed liveness probe, will be restarted",
    involvedObject: { kind: "Pod", uid, name: `pod-${uid}`, fieldPath: "spec.containers{app}" }, lastTimestamp: "2026-01-01T00:00:10Z",
  });
  const before = timeline().t;
  before.onPod("ADDED", pod("a", [running(0)]), 1000, true);
  before.onEvent(killing("a"), 1500, false);
  before.onPod("MODIFIED", pod("a", [restarted(1, 137, "Error", "2026-01-01T00:00:10Z", "2026-01-01T00:00:10Z", false)], { ready: false }), 2000, false);
  assert.equal(before.list()[0].kind, "Liveness probe failure");

  const after = timeline().t;
  after.onPod("ADDED", pod("b", [running(0)]), 1000, true);
  after.onPod("MODIFIED", pod("b", [restarted(1, 137, "Error", "2026-01-01T00:00:10Z", "2026-01-01T00:00:10Z", false)], { ready: false }), 2000, false);
  after.onEvent(killing("b"), 2100, false);
  assert.equal(after.list()[0].kind, "Liveness probe failure");
});

test("a clean exit is not an incident", () => {
  const { t } = timeline();
  t.onPod("ADDED", pod("a", [running(0)]), 1000, true);
  t.onPod("MODIFIED", pod("a", [terminatedNow(0, 0, "Completed", "2026-01-01T00:00:10Z")], { ready: false, phase: "Succeeded" }), 2000, false);
  assert.equal(t.list().length, 0);
});

test("restarts from before sign-in appear with status times only", () => {
  const { t, said } = timeline();
  t.onPod("ADDED", pod("a", [restarted(4, 2, "Error", "2026-01-01T00:00:10Z", "2026-01-01T00:00:12Z")], { readyAt: "2026-01-01T00:00:12Z" }), 1000, true);
  const incident = t.list()[0];
  assert.equal(incident.live, false);
  assert.equal(incident.detectedObserved, undefined);
  assert.deepEqual(healingMs(incident), { ms: 2000, precision: "s" });
  assert.equal(said.length, 0, "history is not announced");
});

test("an eviction is healed when another pod of the same controller becomes ready", () => {
  const { t } = timeline();
  t.onPod("ADDED", pod("a", [running(0)]), 1000, true);
  t.onPod("MODIFIED", pod("a", [running(0, undefined, false)], { ready: false, phase: "Failed", reason: "Evicted", readyAt: "2026-01-01T00:00:20Z" }), 2000, false);
  assert.equal(t.list()[0].kind, "Eviction");
  t.onPod("ADDED", pod("b", [running(0, "2026-01-01T00:00:21Z", false)], { ready: false }), 2100, false);
  assert.ok(isOpen(t.list()[0]));
  t.onPod("MODIFIED", pod("b", [running(0, "2026-01-01T00:00:21Z")], { readyAt: "2026-01-01T00:00:21Z" }), 2300, false);
  assert.deepEqual(healingMs(t.list()[0]), { ms: 300, precision: "ms" });
});

test("a lost node is healed by a replacement elsewhere or by the node's return", () => {
  const node = (status: string, at: string): Node => ({
    metadata: { name: "n1", uid: "node-1" },
    status: { conditions: [{ type: "Ready", status, reason: status === "True" ? "KubeletReady" : "NodeStatusUnknown", lastTransitionTime: at }] },
  });
  const { t } = timeline();
  t.onPod("ADDED", pod("a", [running(0)], { node: "n1" }), 1000, true);
  t.onNode("ADDED", node("True", "2026-01-01T00:00:00Z"), 1000, true);
  t.onNode("MODIFIED", node("Unknown", "2026-01-01T00:00:30Z"), 5000, false);
  const lost = t.list()[0];
  assert.equal(lost.kind, "Node lost");
  assert.equal(lost.detail, "Ready=Unknown (NodeStatusUnknown)");
  t.onPod("ADDED", pod("b", [running(0)], { node: "n1", ready: false }), 5100, false);
  t.onPod("MODIFIED", pod("b", [running(0)], { node: "n1" }), 5200, false);
  assert.ok(isOpen(t.list()[0]), "a pod that became ready on the lost node itself does not count");
  t.onPod("ADDED", pod("c", [running(0)], { node: "n2", ready: false }), 5300, false);
  t.onPod("MODIFIED", pod("c", [running(0)], { node: "n2", readyAt: "2026-01-01T00:00:31Z" }), 6500, false);
  assert.deepEqual(healingMs(t.list()[0]), { ms: 1500, precision: "ms" });

  const back = timeline().t;
  back.onNode("ADDED", node("True", "2026-01-01T00:00:00Z"), 1000, true);
  back.onNode("MODIFIED", node("False", "2026-01-01T00:00:30Z"), 5000, false);
  back.onNode("MODIFIED", node("True", "2026-01-01T00:00:40Z"), 15000, false);
  assert.deepEqual(healingMs(back.list()[0]), { ms: 10000, precision: "ms" });
});
