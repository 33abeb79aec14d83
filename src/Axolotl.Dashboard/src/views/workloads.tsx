import type { Api } from "../api";
import { collectionPath } from "../api";
import { age, byName, Empty, ErrorNotice, Section } from "../components";
import { useLiveList } from "../listwatch";
import type { Workload } from "../types";

interface Kind {
  title: string;
  group: string;
  resource: string;
  columns: [string, (w: Workload) => string | number][];
}

const kinds: Kind[] = [
  {
    title: "Deployments", group: "apps", resource: "deployments",
    columns: [
      ["Ready", (w) => `${w.status?.readyReplicas ?? 0}/${w.spec?.replicas ?? 0}`],
      ["Up-to-date", (w) => w.status?.updatedReplicas ?? 0],
      ["Available", (w) => w.status?.availableReplicas ?? 0],
    ],
  },
  {
    title: "ReplicaSets", group: "apps", resource: "replicasets",
    columns: [
      ["Desired", (w) => w.spec?.replicas ?? 0],
      ["Current", (w) => w.status?.replicas ?? 0],
      ["Ready", (w) => w.status?.readyReplicas ?? 0],
    ],
  },
  {
    title: "StatefulSets", group: "apps", resource: "statefulsets",
    columns: [["Ready", (w) => `${w.status?.readyReplicas ?? 0}/${w.spec?.replicas ?? 0}`]],
  },
  {
    title: "DaemonSets", group: "apps", resource: "daemonsets",
    columns: [
      ["Desired", (w) => w.status?.desiredNumberScheduled ?? 0],
      ["Current", (w) => w.status?.currentNumberScheduled ?? 0],
      ["Ready", (w) => w.status?.numberReady ?? 0],
    ],
  },
  {
    title: "Jobs", group: "batch", resource: "jobs",
    columns: [
      ["Completions", (w) => `${w.status?.succeeded ?? 0}/${w.spec?.completions ?? 1}`],
      ["Active", (w) => w.status?.active ?? 0],
      ["Failed", (w) => w.status?.failed ?? 0],
    ],
  },
];

export function WorkloadsView({ api, namespace }: { api: Api; namespace: string }) {
  return (
    <>
      <h2 class="sr-only">Workloads</h2>
      {kinds.map((kind) => (
        <WorkloadTable key={kind.resource} api={api} kind={kind} namespace={namespace} />
      ))}
    </>
  );
}

function WorkloadTable({ api, kind, namespace }: { api: Api; kind: Kind; namespace: string }) {
  const list = useLiveList<Workload>(api, collectionPath(kind.group, "v1", kind.resource, namespace));
  const items = [...list.items].sort(byName);
  const now = Date.now();
  return (
    <Section title={kind.title}>
      <ErrorNotice error={list.error} what={`list ${kind.resource}${namespace ? ` in namespace ${namespace}` : " in all namespaces"}`} />
      {items.length === 0 ? (
        <Empty loaded={list.loaded} failed={list.error !== undefined}>No {kind.title.toLowerCase()}.</Empty>
      ) : (
        <table class="grid" data-view={kind.resource}>
          <thead>
            <tr>
              {namespace === "" && <th scope="col">Namespace</th>}
              <th scope="col">Name</th>
              {kind.columns.map(([title]) => (
                <th scope="col" key={title}>{title}</th>
              ))}
              <th scope="col">Age</th>
            </tr>
          </thead>
          <tbody>
            {items.map((w) => (
              <tr key={w.metadata.uid}>
                {namespace === "" && <td>{w.metadata.namespace}</td>}
                <th scope="row">{w.metadata.name}</th>
                {kind.columns.map(([title, value]) => (
                  <td key={title}>{value(w)}</td>
                ))}
                <td>{age(w.metadata.creationTimestamp, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
