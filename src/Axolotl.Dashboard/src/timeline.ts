// The healing timeline, derived from what the watches deliver: pod status transitions (a container's
// terminated state, its restart, its readiness again), events (probe failures, evictions) and node
// conditions. Two clocks, never mixed in one duration:
//  - status times from the cluster (finishedAt, startedAt, condition transitions): whole seconds,
//    as metav1.Time is on the wire;
//  - observation times of this page (performance.timeOrigin + now()): sub-millisecond, taken when a
//    watch event arrived, so "detected → serving" of an incident seen live is measured in ms
//    (and includes the watch's delivery delay at both ends, which cancels out to the extent it is steady).

import type { KubeEvent, Node, Pod } from "./types";

export type IncidentKind = "Crash" | "OOMKilled" | "Liveness probe failure" | "Startup probe failure" | "Eviction" | "Node lost";

export interface Incident {
  id: string;
  kind: IncidentKind;
  namespace: string;
  /** pod name, or node name for "Node lost" */
  subject: string;
  container?: string;
  detail: string;
  /** from status: when the container finished / the condition changed (ms since epoch, second precision) */
  failedAt?: number;
  /** from status: when the replacement was running and ready (second precision) */
  servingAtStatus?: number;
  /** this page's observation of the failure and of the replacement serving (sub-ms precision) */
  detectedObserved?: number;
  servingObserved?: number;
  /** seen as it happened (true) or reconstructed from status already present when the page loaded */
  live: boolean;
  podUid?: string;
  ownerUids: string[];
  excludedPods: string[];
  restartCount?: number;
}

export interface Announcement {
  text: string;
  at: number;
}

const parse = (t?: string): number | undefined => (t ? Date.parse(t) : undefined);

/** Milliseconds from detection to serving when both were observed live, else seconds from status; undefined while open. */
export function healingMs(incident: Incident): { ms: number; precision: "ms" | "s" } | undefined {
  if (incident.detectedObserved !== undefined && incident.servingObserved !== undefined) {
    return { ms: incident.servingObserved - incident.detectedObserved, precision: "ms" };
  }
  if (incident.failedAt !== undefined && incident.servingAtStatus !== undefined) {
    return { ms: Math.max(0, incident.servingAtStatus - incident.failedAt), precision: "s" };
  }
  return undefined;
}

export function isOpen(incident: Incident): boolean {
  return incident.servingObserved === undefined && incident.servingAtStatus === undefined;
}

interface ContainerMemory {
  ready: boolean;
  restartCount: number;
}

const maxIncidents = 500;
const probeWindowMs = 60_000;

export class HealingTimeline {
  private readonly incidents = new Map<string, Incident>();
  private readonly containers = new Map<string, ContainerMemory>();
  private readonly podReady = new Map<string, boolean>();
  private readonly probeKills = new Map<string, { kind: IncidentKind; at: number }>();
  private readonly nodeReady = new Map<string, boolean>();
  private readonly podsByNode = new Map<string, Map<string, string[]>>();
  private version = 0;

  constructor(private readonly announce: (a: Announcement) => void = () => {}) {}

  get revision(): number {
    return this.version;
  }

  list(): Incident[] {
    return [...this.incidents.values()].sort((a, b) => time(b) - time(a));
  }

  onPod(type: string, pod: Pod, at: number, initial: boolean): void {
    const uid = pod.metadata.uid;
    const ns = pod.metadata.namespace ?? "";
    const owners = (pod.metadata.ownerReferences ?? []).filter((o) => o.controller).map((o) => o.uid);
    const node = pod.spec.nodeName;
    if (node) {
      const pods = this.podsByNode.get(node) ?? new Map<string, string[]>();
      if (type === "DELETED") pods.delete(uid);
      else pods.set(uid, owners);
      this.podsByNode.set(node, pods);
    }
    if (type === "DELETED") {
      this.podReady.delete(uid);
      for (const c of pod.status?.containerStatuses ?? []) this.containers.delete(`${uid}/${c.name}`);
      return;
    }
    if (pod.status?.phase === "Failed" && pod.status.reason === "Evicted") {
      this.open(`evict/${uid}`, {
        kind: "Eviction", namespace: ns, subject: pod.metadata.name, detail: pod.status.message ?? "Evicted",
        failedAt: parse(pod.status.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime),
        detectedObserved: initial ? undefined : at, live: !initial, podUid: uid, ownerUids: owners, excludedPods: [uid],
      });
    }
    for (const c of pod.status?.containerStatuses ?? []) {
      const key = `${uid}/${c.name}`;
      const before = this.containers.get(key);
      const terminated = c.state?.terminated ?? c.lastState?.terminated;
      const restarted = before !== undefined && c.restartCount > before.restartCount;
      const nowTerminated = c.state?.terminated !== undefined && before !== undefined;
      // a clean exit (a finished Job's container) is not something that needs healing
      const failed = terminated !== undefined && (terminated.exitCode !== 0 || terminated.reason === "OOMKilled");
      if (terminated && failed && (initial ? c.restartCount > 0 || c.state?.terminated !== undefined : restarted || nowTerminated)) {
        const id = `ctr/${key}/${terminated.finishedAt ?? terminated.containerID ?? c.restartCount}`;
        if (!this.incidents.has(id)) {
          const probe = this.probeKills.get(key);
          const finished = parse(terminated.finishedAt);
          const byProbe = probe && finished !== undefined && Math.abs(probe.at - finished) < probeWindowMs ? probe.kind : undefined;
          this.open(id, {
            kind: terminated.reason === "OOMKilled" ? "OOMKilled" : (byProbe ?? "Crash"),
            namespace: ns, subject: pod.metadata.name, container: c.name,
            detail: `exit code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ""}`,
            failedAt: finished, detectedObserved: initial ? undefined : at, live: !initial, podUid: uid,
            ownerUids: [], excludedPods: [], restartCount: c.restartCount,
          });
        }
      }
      this.containers.set(key, { ready: c.ready, restartCount: c.restartCount });
      if (c.ready && c.state?.running) this.closeContainer(key, pod, c.state.running.startedAt, at, initial);
    }
    const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
    const wasReady = this.podReady.get(uid) ?? false;
    const isReady = ready?.status === "True";
    this.podReady.set(uid, isReady);
    if (isReady && (!wasReady || initial)) this.closeReplacement(uid, owners, node, parse(ready?.lastTransitionTime), at, initial);
  }

  onEvent(event: KubeEvent, at: number, initial: boolean): void {
    const obj = event.involvedObject;
    const message = event.message ?? "";
    const container = /spec\.containers\{(.+)\}/.exec(obj.fieldPath ?? "")?.[1];
    const when = parse(event.lastTimestamp) ?? parse(event.eventTime) ?? at;
    const probeKind: IncidentKind | undefined =
      /liveness probe/i.test(message) ? "Liveness probe failure" : /startup probe/i.test(message) ? "Startup probe failure" : undefined;
    if (obj.kind === "Pod" && obj.uid && container && probeKind && (event.reason === "Killing" || event.reason === "Unhealthy")) {
      const key = `${obj.uid}/${container}`;
      this.probeKills.set(key, { kind: probeKind, at: when });
      // the pod's status may have arrived first: upgrade a recent crash of that container
      for (const incident of this.incidents.values()) {
        if (incident.podUid === obj.uid && incident.container === container && incident.kind === "Crash" &&
            incident.failedAt !== undefined && Math.abs(incident.failedAt - when) < probeWindowMs) {
          incident.kind = probeKind;
          this.version++;
        }
      }
    }
    void initial;
  }

  onNode(type: string, node: Node, at: number, initial: boolean): void {
    const name = node.metadata.name;
    const ready = node.status?.conditions?.find((c) => c.type === "Ready");
    const isReady = type !== "DELETED" && ready?.status === "True";
    const wasReady = this.nodeReady.get(name);
    this.nodeReady.set(name, isReady);
    const id = `node/${name}/${ready?.lastTransitionTime ?? ""}`;
    if (!isReady && (wasReady === true || (initial && ready !== undefined))) {
      const owners = [...(this.podsByNode.get(name)?.values() ?? [])].flat();
      this.open(id, {
        kind: "Node lost", namespace: "", subject: name,
        detail: type === "DELETED" ? "node deleted" : `Ready=${ready?.status ?? "Unknown"}${ready?.reason ? ` (${ready.reason})` : ""}`,
        failedAt: parse(ready?.lastTransitionTime), detectedObserved: initial ? undefined : at, live: !initial,
        ownerUids: owners, excludedPods: [...(this.podsByNode.get(name)?.keys() ?? [])],
      });
    } else if (isReady && wasReady === false) {
      for (const incident of this.incidents.values()) {
        if (incident.kind === "Node lost" && incident.subject === name && isOpen(incident)) {
          this.close(incident, parse(ready?.lastTransitionTime), at, initial);
        }
      }
    }
  }

  private open(id: string, incident: Omit<Incident, "id">): void {
    if (this.incidents.has(id)) return;
    this.incidents.set(id, { id, ...incident });
    if (this.incidents.size > maxIncidents) {
      const oldest = this.list().at(-1);
      if (oldest) this.incidents.delete(oldest.id);
    }
    this.version++;
    if (incident.live) {
      const where = incident.container ? `container ${incident.container} of ${incident.subject}` : incident.subject;
      this.announce({ text: `${incident.kind}: ${where}, ${incident.detail}.`, at: incident.detectedObserved ?? Date.now() });
    }
  }

  private close(incident: Incident, statusTime: number | undefined, at: number, initial: boolean): void {
    incident.servingAtStatus = statusTime;
    // seen failed and serving in one and the same status update: the page cannot time it, status times can
    if (!initial && incident.live && incident.detectedObserved !== at) incident.servingObserved = at;
    if (incident.servingAtStatus === undefined && incident.servingObserved === undefined) incident.servingObserved = at;
    this.version++;
    const healed = healingMs(incident);
    if (incident.live && healed) {
      this.announce({ text: `${incident.subject} serving again after ${formatDuration(healed.ms, healed.precision)}.`, at });
    }
  }

  private closeContainer(key: string, pod: Pod, startedAt: string | undefined, at: number, initial: boolean): void {
    const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
    const started = parse(startedAt);
    for (const incident of this.incidents.values()) {
      if (!isOpen(incident) || `${incident.podUid}/${incident.container}` !== key) continue;
      if (started !== undefined && incident.failedAt !== undefined && started < incident.failedAt) continue;
      const readyAt = ready?.status === "True" ? parse(ready.lastTransitionTime) : undefined;
      this.close(incident, readyAt !== undefined && started !== undefined ? Math.max(readyAt, started) : started, at, initial);
    }
  }

  private closeReplacement(uid: string, owners: string[], node: string | undefined, readyAt: number | undefined, at: number, initial: boolean): void {
    for (const incident of this.incidents.values()) {
      if (!isOpen(incident) || incident.excludedPods.includes(uid)) continue;
      if (!owners.some((o) => incident.ownerUids.includes(o))) continue;
      if (incident.kind === "Node lost" && node === incident.subject) continue;
      if (readyAt !== undefined && incident.failedAt !== undefined && readyAt < incident.failedAt) continue;
      this.close(incident, readyAt, at, initial);
    }
  }
}

function time(i: Incident): number {
  return i.detectedObserved ?? i.failedAt ?? 0;
}

export function formatDuration(ms: number, precision: "ms" | "s"): string {
  if (precision === "s") return ms < 1000 ? "under 1 s (second precision)" : `${Math.round(ms / 1000)} s (second precision)`;
  return ms < 10_000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** 12:03:04.567 local time: the observation clock shows milliseconds, status times whole seconds. */
export function clock(ms: number | undefined, precision: "ms" | "s"): string {
  if (ms === undefined) return "—";
  const d = new Date(ms);
  const base = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return precision === "ms" ? `${base}.${String(d.getMilliseconds()).padStart(3, "0")}` : base;
}

const pad = (n: number) => String(n).padStart(2, "0");
