import type { Api } from "../api";
import { age, byName, Empty, ErrorNotice, Section } from "../components";
import { useLiveList } from "../listwatch";
import type { Namespace } from "../types";

export function NamespacesView({ api, selected, onSelect }: { api: Api; selected: string; onSelect: (ns: string) => void }) {
  const list = useLiveList<Namespace>(api, "/api/v1/namespaces");
  const items = [...list.items].sort(byName);
  const now = Date.now();
  return (
    <Section title="Namespaces">
      <ErrorNotice error={list.error} what="list namespaces" />
      <datalist id="namespaces">
        {items.map((ns) => (
          <option key={ns.metadata.uid} value={ns.metadata.name} />
        ))}
      </datalist>
      {items.length === 0 ? (
        <Empty loaded={list.loaded} failed={list.error !== undefined}>No namespaces.</Empty>
      ) : (
        <table class="grid" data-view="namespaces">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Age</th>
              <th scope="col">
                <span class="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((ns) => (
              <tr key={ns.metadata.uid}>
                <th scope="row">{ns.metadata.name}</th>
                <td>{ns.status?.phase ?? ""}</td>
                <td>{age(ns.metadata.creationTimestamp, now)}</td>
                <td>
                  <button
                    type="button"
                    class="secondary"
                    aria-pressed={selected === ns.metadata.name}
                    onClick={() => onSelect(selected === ns.metadata.name ? "" : ns.metadata.name)}
                  >
                    {selected === ns.metadata.name ? "Show all namespaces" : `Show only ${ns.metadata.name}`}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
