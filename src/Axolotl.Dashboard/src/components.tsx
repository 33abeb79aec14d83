import type { ComponentChildren } from "preact";
import type { ApiError } from "./api";

/** A request that failed, said plainly: forbidden, unreachable, or the server's own Status message. */
export function ErrorNotice({ error, what }: { error?: ApiError; what: string }) {
  if (!error) return null;
  if (error.forbidden) {
    return (
      <div class="notice notice-forbidden" role="alert" data-error="forbidden">
        <strong>Forbidden:</strong> you may not {what}. The server said: <q>{error.message}</q>. Ask a cluster administrator
        for a Role or ClusterRole that grants it.
        {what.endsWith("in all namespaces") ? " Or type a namespace you may read into the Namespace field above." : ""}
      </div>
    );
  }
  if (error.unreachable) {
    return (
      <div class="notice notice-offline" role="alert" data-error="unreachable">
        <strong>The API server cannot be reached.</strong> Reconnecting…
      </div>
    );
  }
  return (
    <div class="notice notice-error" role="alert" data-error="other">
      <strong>Could not {what}</strong> ({error.status}
      {error.reason ? ` ${error.reason}` : ""}): {error.message}
    </div>
  );
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section aria-labelledby={id ?? slug(title)}>
      <h2 id={id ?? slug(title)}>{title}</h2>
      {children}
    </section>
  );
}

/** "No pods." only when the list really is empty: after a failed request the error says what happened. */
export function Empty({ loaded, failed, children }: { loaded: boolean; failed?: boolean; children: ComponentChildren }) {
  if (failed) return null;
  return <p class="empty">{loaded ? children : "Loading…"}</p>;
}

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

/** kubectl's AGE column: 5s, 3m, 2h, 4d. */
export function age(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return "<unknown>";
  const seconds = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

export function byName<T extends { metadata: { name: string; namespace?: string } }>(a: T, b: T): number {
  return (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") || a.metadata.name.localeCompare(b.metadata.name);
}

/** A link inside the single page: the hash carries encoded names, so no user string becomes markup or a scheme. */
export function route(...parts: string[]): string {
  return "#/" + parts.map(encodeURIComponent).join("/");
}
