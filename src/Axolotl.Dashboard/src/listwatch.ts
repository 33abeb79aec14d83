import { useEffect, useState } from "preact/hooks";
import { Api, ApiError, observedNow } from "./api";
import { resync, type ChangeListener } from "./resync";
import type { KubeObject, ListOf } from "./types";

export interface LiveList<T> {
  items: T[];
  error?: ApiError;
  /** true while a watch is open: what is shown is current. */
  live: boolean;
  loaded: boolean;
}

export type { ChangeListener };

const retryMs = [500, 1000, 2000, 4000, 8000];
const relistAtOnceAfterMs = 1000;

/**
 * List, then watch from the list's resourceVersion; relist after 410 Gone; when the server is gone,
 * say so and keep trying with a capped backoff. A 401/403 stops: retrying would not change RBAC.
 */
export function useLiveList<T extends KubeObject>(api: Api, path: string | null, onChange?: ChangeListener<T>): LiveList<T> {
  const [state, setState] = useState<LiveList<T>>({ items: [], live: false, loaded: false });
  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    const items = new Map<string, T>();
    let attempt = 0;
    let firstList = true;
    // When the current watch opened (0: listing). A watch that was live and then lost its connection (a network
    // change, a server restart) lists again at once: the list retries before the page says the server is gone.
    let watchOpenedAt = 0;
    const publish = (patch: Partial<LiveList<T>>) =>
      setState((previous) => ({ ...previous, items: [...items.values()], ...patch }));
    setState({ items: [], live: false, loaded: false });
    (async () => {
      while (!abort.signal.aborted) {
        watchOpenedAt = 0;
        try {
          const list = await api.get<ListOf<T>>(path, abort.signal);
          const now = observedNow();
          if (firstList) {
            for (const item of list.items) {
              items.set(item.metadata.uid, item);
              onChange?.("ADDED", item, now, true);
            }
            firstList = false;
          } else {
            // A relist after a dropped watch: the page was watching all along, so what changed in the gap is a live
            // change observed now (as an informer's resync), not something from before the page started.
            resync(items, list.items, now, onChange);
          }
          publish({ error: undefined, live: true, loaded: true });
          attempt = 0;
          const separator = path.includes("?") ? "&" : "?";
          const watchPath = `${path}${separator}watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(list.metadata.resourceVersion ?? "")}`;
          watchOpenedAt = Date.now();
          await api.watch<T>(
            watchPath,
            (event) => {
              if (event.type === "BOOKMARK") return;
              const at = observedNow();
              if (event.type === "DELETED") items.delete(event.object.metadata.uid);
              else items.set(event.object.metadata.uid, event.object);
              onChange?.(event.type, event.object, at, false);
              publish({});
            },
            abort.signal,
          );
          // the server ended the watch (its timeout): list again and carry on
        } catch (e) {
          if (abort.signal.aborted) return;
          const error = e instanceof ApiError ? e : new ApiError(0, "", String(e));
          if (error.gone) continue;
          if (relistsAtOnce(error, watchOpenedAt, Date.now())) continue;
          if (error.forbidden || error.unauthorized) {
            publish({ error, live: false, loaded: true });
            return;
          }
          publish({ error, live: false });
          await delay(retryMs[Math.min(attempt++, retryMs.length - 1)], abort.signal);
        }
      }
    })();
    return () => abort.abort();
    // onChange is deliberately not a dependency: it is a stable sink owned by the caller
  }, [api, path]);
  return state;
}

/**
 * A watch that was open for a while and then lost its connection lists again without a pause or an alert; one
 * that drops at once (or a list that failed) waits its turn, so a server that keeps cutting watches is not hammered.
 */
export function relistsAtOnce(error: ApiError, watchOpenedAt: number, now: number): boolean {
  return error.unreachable && watchOpenedAt > 0 && now - watchOpenedAt >= relistAtOnceAfterMs;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
