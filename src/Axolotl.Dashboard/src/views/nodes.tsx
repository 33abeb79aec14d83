import { age, byName, Empty, ErrorNotice, Section } from "../components";
import type { LiveList } from "../listwatch";
import type { Node } from "../types";

export function NodesView({ nodes }: { nodes: LiveList<Node> }) {
  const items = [...nodes.items].sort(byName);
  const now = Date.now();
  return (
    <Section title="Nodes">
      <ErrorNotice error={nodes.error} what="list nodes" />
      {items.length === 0 ? (
        <Empty loaded={nodes.loaded} failed={nodes.error !== undefined}>No nodes.</Empty>
      ) : (
        <table class="grid" data-view="nodes">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Roles</th>
              <th scope="col">Version</th>
              <th scope="col">Internal IP</th>
              <th scope="col">Pod CIDR</th>
              <th scope="col">Age</th>
            </tr>
          </thead>
          <tbody>
            {items.map((node) => {
              const ready = node.status?.conditions?.find((c) => c.type === "Ready");
              let status = ready?.status === "True" ? "Ready" : ready ? "NotReady" : "Unknown";
              if (node.spec?.unschedulable) status += ",SchedulingDisabled";
              const roles = Object.keys(node.metadata.labels ?? {})
                .filter((l) => l.startsWith("node-role.kubernetes.io/"))
                .map((l) => l.slice("node-role.kubernetes.io/".length))
                .join(",");
              return (
                <tr key={node.metadata.uid}>
                  <th scope="row">{node.metadata.name}</th>
                  <td class={ready?.status === "True" ? "ok" : "bad"} title={ready?.message}>
                    {status}
                  </td>
                  <td>{roles || "<none>"}</td>
                  <td>{node.status?.nodeInfo?.kubeletVersion ?? ""}</td>
                  <td>{node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? ""}</td>
                  <td>{node.spec?.podCIDR ?? ""}</td>
                  <td>{age(node.metadata.creationTimestamp, now)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Section>
  );
}
