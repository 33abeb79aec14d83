import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type Api } from "../api";
import { ErrorNotice, Section } from "../components";
import type { Pod } from "../types";

const maxLines = 2000;

export function LogsView({ api, namespace, pod, pods }: { api: Api; namespace: string; pod: string; pods: Pod[] }) {
  const current = pods.find((p) => p.metadata.name === pod && p.metadata.namespace === namespace);
  const containers = current?.spec.containers.map((c) => c.name) ?? [];
  const [container, setContainer] = useState<string>("");
  const [previous, setPrevious] = useState(false);
  const [lines, setLines] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | undefined>();
  const [streaming, setStreaming] = useState(false);
  const chosen = container || containers[0] || "";
  const bottom = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    if (!namespace || !pod) return;
    const abort = new AbortController();
    setLines([]);
    setError(undefined);
    const query = new URLSearchParams({ tailLines: "500", follow: previous ? "false" : "true" });
    if (chosen) query.set("container", chosen);
    if (previous) query.set("previous", "true");
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${query}`;
    (async () => {
      setStreaming(true);
      // While following, a container that has not started yet (400) or a dropped connection (0) is tried
      // again every 2 s, the error shown meanwhile; anything else, or the log's normal end, stops.
      for (;;) {
        try {
          let buffer: string[] = [];
          for await (const line of api.textLines(path, abort.signal)) {
            buffer = [...buffer, line].slice(-maxLines);
            setLines(buffer);
            setError(undefined);
          }
          break;
        } catch (e) {
          if (abort.signal.aborted) return;
          const error = e instanceof ApiError ? e : new ApiError(0, "", String(e));
          setError(error);
          if (previous || (error.status !== 0 && error.status !== 400)) break;
          await new Promise((resolve) => setTimeout(resolve, 2000));
          if (abort.signal.aborted) return;
        }
      }
      if (!abort.signal.aborted) setStreaming(false);
    })();
    return () => abort.abort();
  }, [api, namespace, pod, chosen, previous]);

  useEffect(() => bottom.current?.scrollIntoView({ block: "nearest" }), [lines.length]);

  return (
    <Section title={`Logs of ${namespace}/${pod}`}>
      <form class="inline" onSubmit={(e) => e.preventDefault()}>
        <label>
          Container{" "}
          <select value={chosen} onChange={(e) => setContainer((e.target as HTMLSelectElement).value)}>
            {containers.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={previous} onChange={(e) => setPrevious((e.target as HTMLInputElement).checked)} /> Previous
          instance (--previous)
        </label>
        <span role="status">{streaming ? (previous ? "Loading…" : "Following") : "Stopped"}</span>
      </form>
      {current && <PodDetails pod={current} />}
      <ErrorNotice error={error} what={`read the logs of pod ${pod}`} />
      <pre class="logs" tabIndex={0} aria-label={`Log lines of ${pod}`} data-view="logs">
        {lines.map((line, i) => (
          <span key={i} class="line">
            {line}
            {"\n"}
          </span>
        ))}
        <span ref={bottom} />
      </pre>
    </Section>
  );
}

/** Labels and annotations as text: their values are whatever the pod's author wrote. */
function PodDetails({ pod }: { pod: Pod }) {
  const rows = [
    ...Object.entries(pod.metadata.labels ?? {}).map(([k, v]) => ["Label", k, v] as const),
    ...Object.entries(pod.metadata.annotations ?? {}).map(([k, v]) => ["Annotation", k, v] as const),
  ];
  if (rows.length === 0) return null;
  return (
    <table class="grid details" data-view="pod-details">
      <caption class="sr-only">Labels and annotations of {pod.metadata.name}</caption>
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Key</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([kind, key, value]) => (
          <tr key={`${kind}/${key}`}>
            <td>{kind}</td>
            <th scope="row">{key}</th>
            <td class="message">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
