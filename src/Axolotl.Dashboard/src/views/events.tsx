import { age, Empty, ErrorNotice, Section } from "../components";
import type { LiveList } from "../listwatch";
import type { KubeEvent } from "../types";

const shown = 300;

function lastSeen(e: KubeEvent): string | undefined {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
}

export function EventsView({ events, namespace }: { events: LiveList<KubeEvent>; namespace: string }) {
  const items = [...events.items].sort((a, b) => Date.parse(lastSeen(b) ?? "") - Date.parse(lastSeen(a) ?? "")).slice(0, shown);
  const now = Date.now();
  return (
    <Section title={`Events${namespace ? ` in ${namespace}` : ""}`}>
      <ErrorNotice error={events.error} what={`list events${namespace ? ` in namespace ${namespace}` : " in all namespaces"}`} />
      {items.length === 0 ? (
        <Empty loaded={events.loaded} failed={events.error !== undefined}>No events.</Empty>
      ) : (
        <table class="grid" data-view="events">
          <caption class="sr-only">Newest first, at most {shown}</caption>
          <thead>
            <tr>
              <th scope="col">Last seen</th>
              <th scope="col">Type</th>
              <th scope="col">Reason</th>
              <th scope="col">Object</th>
              <th scope="col">Message</th>
              <th scope="col">Count</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.metadata.uid} data-reason={e.reason}>
                <td>{age(lastSeen(e), now)}</td>
                <td class={e.type === "Warning" ? "bad" : ""}>{e.type}</td>
                <td>{e.reason}</td>
                <td>
                  {(e.involvedObject.kind ?? "").toLowerCase()}/{e.involvedObject.name}
                  {namespace === "" && e.involvedObject.namespace ? ` (${e.involvedObject.namespace})` : ""}
                </td>
                <td class="message">{e.message}</td>
                <td>{e.count ?? 1}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
