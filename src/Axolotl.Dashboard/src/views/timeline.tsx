import { ErrorNotice, Section } from "../components";
import type { LiveList } from "../listwatch";
import { clock, formatDuration, healingMs, isOpen, type HealingTimeline, type Incident } from "../timeline";
import type { KubeEvent, Node, Pod } from "../types";

export function TimelineView(props: {
  timeline: HealingTimeline;
  pods: LiveList<Pod>;
  events: LiveList<KubeEvent>;
  nodes: LiveList<Node>;
  namespace: string;
}) {
  const { timeline, pods, events, nodes, namespace } = props;
  // incidents seen before the namespace was changed stay in the timeline, shown again when it changes back
  const incidents = timeline.list().filter((i) => namespace === "" || i.namespace === namespace || i.kind === "Node lost");
  return (
    <Section title="Healing timeline" id="timeline-title">
      <p class="lead">
        Every crash, OOM kill, probe failure, eviction and node loss{namespace ? ` in ${namespace}` : ""}, with when it was detected
        and when the replacement was serving. Live rows are timed by this page's watches (millisecond precision); rows
        from before you signed in use the cluster's status times (second precision).
      </p>
      <ErrorNotice error={pods.error} what="watch pods" />
      <ErrorNotice error={events.error} what="watch events" />
      {nodes.error?.forbidden && <p class="hint">Node losses are not shown: you may not watch nodes.</p>}
      {incidents.length === 0 ? (
        <p class="empty" data-timeline="empty">
          {pods.loaded ? "Nothing has needed healing since the page started watching." : "Loading…"}
        </p>
      ) : (
        <ol class="timeline" aria-labelledby="timeline-title" data-timeline="list">
          {incidents.map((incident) => (
            <IncidentItem key={incident.id} incident={incident} />
          ))}
        </ol>
      )}
    </Section>
  );
}

function IncidentItem({ incident }: { incident: Incident }) {
  const open = isOpen(incident);
  const healed = healingMs(incident);
  const where = incident.kind === "Node lost" ? `node ${incident.subject}` : `${incident.namespace}/${incident.subject}`;
  return (
    <li
      class={`incident ${open ? "open" : "healed"} kind-${incident.kind.replace(/[^A-Za-z]/g, "").toLowerCase()}`}
      data-kind={incident.kind}
      data-subject={incident.subject}
      data-state={open ? "open" : "healed"}
      data-healing-ms={healed?.ms.toFixed(1)}
      data-precision={healed?.precision}
    >
      <div class="incident-head">
        <span class="badge">{incident.kind}</span>{" "}
        <strong>{where}</strong>
        {incident.container ? <span> container {incident.container}</span> : null}
        <span class="detail"> — {incident.detail}</span>
      </div>
      <dl class="times">
        {incident.failedAt !== undefined && (
          <>
            <dt>Failed (status)</dt>
            <dd>{clock(incident.failedAt, "s")}</dd>
          </>
        )}
        <dt>Detected</dt>
        <dd>{incident.detectedObserved !== undefined ? clock(incident.detectedObserved, "ms") : "before this page started watching"}</dd>
        <dt>Serving again</dt>
        <dd>
          {open
            ? "not yet"
            : incident.servingObserved !== undefined
              ? clock(incident.servingObserved, "ms")
              : clock(incident.servingAtStatus, "s")}
        </dd>
        <dt>Healed in</dt>
        <dd class="healed-in">{open ? "—" : healed ? formatDuration(healed.ms, healed.precision) : "unknown"}</dd>
      </dl>
    </li>
  );
}
