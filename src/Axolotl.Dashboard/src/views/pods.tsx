import { age, byName, Empty, ErrorNotice, route, Section } from "../components";
import type { LiveList } from "../listwatch";
import type { ContainerStatus, Pod } from "../types";

/** kubectl's STATUS column: a waiting or terminated reason wins over the phase; Terminating when deleted. */
export function podStatus(pod: Pod): string {
  if (pod.metadata.deletionTimestamp) return "Terminating";
  let reason = pod.status?.reason ?? pod.status?.phase ?? "Unknown";
  for (const c of pod.status?.initContainerStatuses ?? []) {
    if (c.state?.terminated && c.state.terminated.exitCode === 0) continue;
    if (c.state?.waiting?.reason && c.state.waiting.reason !== "PodInitializing") return `Init:${c.state.waiting.reason}`;
    if (c.state?.terminated) return `Init:${c.state.terminated.reason ?? `ExitCode:${c.state.terminated.exitCode}`}`;
  }
  for (const c of pod.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state?.terminated) reason = c.state.terminated.reason ?? `ExitCode:${c.state.terminated.exitCode}`;
  }
  return reason;
}

export function lastTermination(c: ContainerStatus): string | undefined {
  const t = c.lastState?.terminated ?? c.state?.terminated;
  if (!t) return undefined;
  return `${c.name}: ${t.reason ?? "Terminated"}, exit code ${t.exitCode}${t.signal ? `, signal ${t.signal}` : ""}${t.finishedAt ? ` at ${new Date(t.finishedAt).toLocaleTimeString()}` : ""}`;
}

export function PodsView({ pods, namespace }: { pods: LiveList<Pod>; namespace: string }) {
  const items = [...pods.items].sort(byName);
  const now = Date.now();
  return (
    <Section title={`Pods${namespace ? ` in ${namespace}` : ""}`}>
      <ErrorNotice error={pods.error} what={`list pods${namespace ? ` in namespace ${namespace}` : " in all namespaces"}`} />
      {items.length === 0 ? (
        <Empty loaded={pods.loaded} failed={pods.error !== undefined}>No pods.</Empty>
      ) : (
        <table class="grid" data-view="pods">
          <thead>
            <tr>
              {namespace === "" && <th scope="col">Namespace</th>}
              <th scope="col">Name</th>
              <th scope="col">Ready</th>
              <th scope="col">Status</th>
              <th scope="col">Restarts</th>
              <th scope="col">Last termination</th>
              <th scope="col">Node</th>
              <th scope="col">Age</th>
            </tr>
          </thead>
          <tbody>
            {items.map((pod) => {
              const statuses = pod.status?.containerStatuses ?? [];
              const ready = statuses.filter((c) => c.ready).length;
              const restarts = statuses.reduce((n, c) => n + c.restartCount, 0);
              const status = podStatus(pod);
              const terminations = statuses.map(lastTermination).filter((t): t is string => t !== undefined);
              return (
                <tr key={pod.metadata.uid} data-pod={pod.metadata.name}>
                  {namespace === "" && <td>{pod.metadata.namespace}</td>}
                  <th scope="row">
                    <a href={route("logs", pod.metadata.namespace ?? "", pod.metadata.name)} title="Container logs">
                      {pod.metadata.name}
                    </a>
                  </th>
                  <td>
                    {ready}/{pod.spec.containers.length}
                  </td>
                  <td class={statusClass(status)}>{status}</td>
                  <td>{restarts}</td>
                  <td>{terminations.length ? terminations.join("; ") : "—"}</td>
                  <td>{pod.spec.nodeName ?? "<none>"}</td>
                  <td>{age(pod.metadata.creationTimestamp, now)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Section>
  );
}

export function statusClass(status: string): string {
  if (status === "Running" || status === "Succeeded" || status === "Completed") return "ok";
  if (/BackOff|Error|OOMKilled|Failed|Evicted|Err|Invalid|ExitCode/.test(status)) return "bad";
  return "warn";
}
