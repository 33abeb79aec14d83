// Unit tests of the relist after a dropped watch (pure: explicit objects and times).
import assert from "node:assert/strict";
import { test } from "node:test";
import { resync } from "../src/resync";
import type { KubeObject } from "../src/types";

const obj = (uid: string, resourceVersion: string): KubeObject => ({ metadata: { name: uid, uid, resourceVersion } });

function run(known: KubeObject[], fresh: KubeObject[]) {
  const items = new Map(known.map((o) => [o.metadata.uid, o]));
  const calls: string[] = [];
  resync(items, fresh, 42, (type, o, at, initial) => calls.push(`${type} ${o.metadata.uid}@${o.metadata.resourceVersion} ${at} ${initial}`));
  return { items, calls };
}

test("a relist reports only what changed in the gap, observed now and not as initial", () => {
  const { items, calls } = run([obj("a", "1"), obj("b", "2"), obj("c", "3")], [obj("a", "1"), obj("b", "7"), obj("d", "8")]);
  assert.deepEqual(calls, ["MODIFIED b@7 42 false", "ADDED d@8 42 false", "DELETED c@3 42 false"]);
  assert.deepEqual([...items.keys()].sort(), ["a", "b", "d"]);
  assert.equal(items.get("b")?.metadata.resourceVersion, "7");
});

test("a relist that finds nothing new says nothing", () => {
  assert.deepEqual(run([obj("a", "1")], [obj("a", "1")]).calls, []);
});
