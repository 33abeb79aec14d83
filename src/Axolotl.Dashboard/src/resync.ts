import type { WatchEvent } from "./api";
import type { KubeObject } from "./types";

/** Called for every change with the time this page received it (milliseconds, sub-ms precision). */
export type ChangeListener<T> = (type: WatchEvent<T>["type"], object: T, observedAt: number, initial: boolean) => void;

/**
 * Brings <items> up to a fresh list taken after a dropped watch, as an informer's relist does: an object whose
 * resourceVersion moved is MODIFIED (or ADDED), one no longer listed is DELETED, all observed <now> and none
 * "initial" — the page was watching throughout, it only missed the events in the gap.
 */
export function resync<T extends KubeObject>(items: Map<string, T>, fresh: T[], now: number, onChange?: ChangeListener<T>): void {
  const seen = new Set<string>();
  for (const item of fresh) {
    const uid = item.metadata.uid;
    seen.add(uid);
    const known = items.get(uid);
    items.set(uid, item);
    if (known?.metadata.resourceVersion !== item.metadata.resourceVersion) onChange?.(known ? "MODIFIED" : "ADDED", item, now, false);
  }
  for (const [uid, gone] of [...items]) {
    if (seen.has(uid)) continue;
    items.delete(uid);
    onChange?.("DELETED", gone, now, false);
  }
}
