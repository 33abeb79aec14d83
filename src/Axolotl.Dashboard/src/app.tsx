import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiError, collectionPath } from "./api";
import { route } from "./components";
import { useLiveList } from "./listwatch";
import { forgetToken, Login, rememberedToken, signIn, type Session } from "./login";
import { HealingTimeline, type Announcement } from "./timeline";
import type { KubeEvent, Node, Pod } from "./types";
import { EventsView } from "./views/events";
import { LogsView } from "./views/logs";
import { NamespacesView } from "./views/namespaces";
import { NodesView } from "./views/nodes";
import { PodsView } from "./views/pods";
import { TimelineView } from "./views/timeline";
import { WorkloadsView } from "./views/workloads";

const views = [
  ["timeline", "Healing timeline"],
  ["pods", "Pods"],
  ["workloads", "Workloads"],
  ["nodes", "Nodes"],
  ["events", "Events"],
  ["namespaces", "Namespaces"],
] as const;

function currentRoute(): string[] {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter((p) => p !== "");
  try {
    return parts.map(decodeURIComponent);
  } catch {
    return [];
  }
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => rememberedToken() !== null);
  const [notice, setNotice] = useState<string | undefined>();

  useEffect(() => {
    const token = rememberedToken();
    if (token === null) return;
    signIn({ kind: "token", token })
      .then(setSession)
      .catch((e) => {
        if (e instanceof ApiError && e.unauthorized) forgetToken();
        setNotice(e instanceof ApiError && e.unreachable ? "The API server cannot be reached." : "Your session ended; sign in again.");
      })
      .finally(() => setRestoring(false));
  }, []);

  if (restoring) return <main id="main" aria-busy="true"><p>Signing in…</p></main>;
  if (!session) return <Login onSession={setSession} notice={notice} />;
  return (
    <Dashboard
      session={session}
      onSignOut={(why) => {
        forgetToken();
        setNotice(why);
        setSession(null);
      }}
    />
  );
}

function Dashboard({ session, onSignOut }: { session: Session; onSignOut: (why?: string) => void }) {
  const [path, setPath] = useState(currentRoute);
  const [namespace, setNamespace] = useState(() => sessionStorage.getItem("axolotl.dashboard.namespace") ?? "");
  const [announcement, setAnnouncement] = useState<Announcement | undefined>();
  const [, setRevision] = useState(0);
  const timeline = useMemo(() => new HealingTimeline(setAnnouncement), [session]);

  useEffect(() => {
    const onHash = () => setPath(currentRoute());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  useEffect(() => sessionStorage.setItem("axolotl.dashboard.namespace", namespace), [namespace]);

  // The timeline's watches run whatever view is open, so it keeps every incident since sign-in.
  const bump = () => setRevision(timeline.revision);
  const pods = useLiveList<Pod>(session.api, collectionPath("", "v1", "pods", namespace), (type, pod, at, initial) => {
    timeline.onPod(type, pod, at, initial);
    bump();
  });
  const events = useLiveList<KubeEvent>(session.api, collectionPath("", "v1", "events", namespace), (type, e, at, initial) => {
    if (type !== "DELETED") timeline.onEvent(e, at, initial);
    bump();
  });
  const nodes = useLiveList<Node>(session.api, "/api/v1/nodes", (type, node, at, initial) => {
    timeline.onNode(type, node, at, initial);
    bump();
  });
  useEffect(() => {
    if (pods.error?.unauthorized) onSignOut("The server no longer accepts these credentials; sign in again.");
  }, [pods.error]);

  const [view = "timeline", ...rest] = path;
  const offline = [pods, events].some((l) => l.error?.unreachable);
  let content;
  switch (view) {
    case "pods":
      content = <PodsView pods={pods} namespace={namespace} />;
      break;
    case "workloads":
      content = <WorkloadsView api={session.api} namespace={namespace} />;
      break;
    case "nodes":
      content = <NodesView nodes={nodes} />;
      break;
    case "events":
      content = <EventsView events={events} namespace={namespace} />;
      break;
    case "namespaces":
      content = <NamespacesView api={session.api} onSelect={setNamespace} selected={namespace} />;
      break;
    case "logs":
      content = <LogsView api={session.api} namespace={rest[0] ?? ""} pod={rest[1] ?? ""} pods={pods.items} />;
      break;
    default:
      content = <TimelineView timeline={timeline} pods={pods} events={events} nodes={nodes} namespace={namespace} />;
  }

  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          // the hash is the router's: move focus without navigating
          e.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Axolotl</span>
        <label class="ns">
          Namespace{" "}
          <input
            list="namespaces"
            value={namespace}
            placeholder="all namespaces"
            onChange={(e) => setNamespace((e.target as HTMLInputElement).value.trim())}
            aria-describedby="ns-hint"
          />
          <span id="ns-hint" class="sr-only">Leave empty for all namespaces</span>
        </label>
        <span class={`conn ${offline ? "conn-off" : "conn-on"}`} role="status" data-connection={offline ? "offline" : "live"}>
          {offline ? "Server unreachable, reconnecting…" : "Live"}
        </span>
        <span class="who">
          Signed in as <strong>{session.user}</strong> ({session.api.describe})
        </span>
        <button type="button" class="secondary" onClick={() => onSignOut()}>
          Sign out
        </button>
      </header>
      <nav aria-label="Views">
        <ul>
          {views.map(([id, title]) => (
            <li key={id}>
              <a href={route(id)} aria-current={view === id || (id === "timeline" && !views.some(([v]) => v === view) && view !== "logs") ? "page" : undefined}>
                {title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {content}
      </main>
      <div class="sr-only" aria-live="polite" aria-atomic="true" id="timeline-announcer">
        {announcement?.text}
      </div>
    </>
  );
}
