// Drives an Axolotl server with npm's @kubernetes/client-node, as that client's users do.
//
// Usage: node official_client.mjs SCENARIO NAMESPACE; KUBECONFIG names the server. Each scenario
// prints one JSON object (its observations) as the last line of stdout; the C# test asserts on it.
// A failure throws, so the process exits non-zero with the error on stderr.
import { Writable } from 'node:stream';
import {
  AppsV1Api, CoreV1Api, Exec, KubeConfig, Log, PatchStrategy, makeInformer, setHeaderOptions,
} from '@kubernetes/client-node';

// Stopping an informer aborts its watch request, and client-node 1.1 leaves that AbortError unhandled:
// it is the stop we asked for, not a failure. Anything else still fails the script.
const isAbort = (e) => e?.name === 'AbortError' || e?.type === 'aborted';
process.on('unhandledRejection', (e) => { if (!isAbort(e)) { console.error(e); process.exit(1); } });
process.on('uncaughtException', (e) => { if (!isAbort(e)) { console.error(e); process.exit(1); } });

const kc = new KubeConfig();
kc.loadFromDefault();
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);

// Every namespace also holds kube-root-ca.crt (as on Kubernetes): the scenarios select their own objects.
const suite = 'suite=official-client';
const configMap = (name, data, labels = {}) => ({ metadata: { name, labels: { suite: 'official-client', ...labels } }, data });

/** Polls with a deadline; the server's pace decides, the deadline only bounds a failure. */
async function waitFor(what, probe, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function list(ns) {
  for (let i = 0; i < 3; i++) {
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap(`item-${i}`, { i: `${i}` }, { tier: i < 2 ? 'a' : 'b' }) });
  }
  const all = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: suite });
  const selected = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: `${suite},tier=a` });
  const page = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: suite, limit: 2 });
  const rest = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: suite, limit: 2, _continue: page.metadata._continue });
  return {
    all: all.items.map((c) => c.metadata.name).sort(),
    selected: selected.items.map((c) => c.metadata.name).sort(),
    firstPage: page.items.map((c) => c.metadata.name),
    secondPage: rest.items.map((c) => c.metadata.name),
  };
}

/** makeInformer: list, then watch; the informer must see ADDED, MODIFIED and DELETED. */
async function informer(ns) {
  await core.createNamespacedConfigMap({ namespace: ns, body: configMap('before', { v: '0' }) });
  const path = `/api/v1/namespaces/${ns}/configmaps`;
  const inf = makeInformer(kc, path, () => core.listNamespacedConfigMap({ namespace: ns, labelSelector: suite }), suite);
  const events = [];
  let deleted;
  const done = new Promise((resolve) => { deleted = resolve; });
  let failure;
  inf.on('add', (o) => events.push(['ADDED', o.metadata.name, o.data?.v]));
  inf.on('update', (o) => events.push(['MODIFIED', o.metadata.name, o.data?.v]));
  inf.on('delete', (o) => { events.push(['DELETED', o.metadata.name]); if (o.metadata.name === 'watched') deleted(); });
  inf.on('error', (e) => { failure = e; deleted(); });
  await inf.start();
  // The informer has listed; what follows arrives through its watch.
  await core.createNamespacedConfigMap({ namespace: ns, body: configMap('watched', { v: '1' }) });
  await core.patchNamespacedConfigMap({ namespace: ns, name: 'watched', body: { data: { v: '2' } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  await core.deleteNamespacedConfigMap({ namespace: ns, name: 'watched' });
  const timer = setTimeout(() => { failure = new Error(`no DELETED within 60 s; saw ${JSON.stringify(events)}`); deleted(); }, 60_000);
  await done;
  clearTimeout(timer);
  if (failure) throw failure;
  const result = { events, cached: inf.list().map((o) => o.metadata.name).sort() };
  // Not awaited: client-node 1.1's stop() never settles once it has aborted the watch.
  inf.stop();
  return result;
}

async function patch(ns) {
  await core.createNamespacedConfigMap({ namespace: ns, body: configMap('patched', { a: '1', b: '2' }, { keep: 'yes' }) });
  const name = 'patched';
  const strategic = await core.patchNamespacedConfigMap({ namespace: ns, name, body: { data: { a: '10' } } },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
  const merged = await core.patchNamespacedConfigMap({ namespace: ns, name, body: { metadata: { labels: { keep: null } }, data: { d: '4' } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  const jsonPatch = await core.patchNamespacedConfigMap({ namespace: ns, name, body: [{ op: 'remove', path: '/data/b' }] },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch));
  const svc = await core.createNamespacedService({ namespace: ns, body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } });
  return {
    strategic: strategic.data, merged: merged.data, mergedLabels: merged.metadata.labels ?? {}, jsonPatch: jsonPatch.data,
    configMapGeneration: jsonPatch.metadata.generation ?? null, serviceStatus: svc.status ?? null,
  };
}

function replicaSet(name, replicas) {
  const labels = { app: name };
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }] } },
    },
  };
}

async function livePods(ns, selector) {
  const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: selector });
  return pods.items.filter((p) => !p.metadata.deletionTimestamp);
}

/** deleteNamespacedReplicaSet with orphanDependents=true (the query string) keeps the pods. */
async function orphan(ns) {
  const name = 'orphaner-js';
  await apps.createNamespacedReplicaSet({ namespace: ns, body: replicaSet(name, 2) });
  const before = await waitFor('2 pods', async () => { const p = await livePods(ns, `app=${name}`); return p.length === 2 ? p : null; });
  await apps.deleteNamespacedReplicaSet({ namespace: ns, name, orphanDependents: true });
  await waitFor('the ReplicaSet to go', async () => {
    try { await apps.readNamespacedReplicaSet({ namespace: ns, name }); return false; } catch (e) { return e.code === 404; }
  });
  const after = await waitFor('pods without an owner', async () => {
    const p = await livePods(ns, `app=${name}`);
    return p.every((x) => !x.metadata.ownerReferences?.length) ? p : null;
  });
  return { before: before.map((p) => p.metadata.name).sort(), after: after.map((p) => p.metadata.name).sort() };
}

async function runningPod(ns, name, script) {
  await core.createNamespacedPod({ namespace: ns, body: { metadata: { name }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', script] }] } } });
  await waitFor(`pod ${name} to run`, async () => (await core.readNamespacedPod({ namespace: ns, name })).status?.phase === 'Running');
}

function collector() {
  let text = '';
  const sink = new Writable({ write(chunk, _encoding, callback) { text += chunk.toString(); callback(); } });
  return { sink, text: () => text };
}

async function logs(ns) {
  await runningPod(ns, 'logger', 'echo first; i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.2; done');
  const out = collector();
  const abort = await new Log(kc).log(ns, 'logger', 'main', out.sink, { follow: true, tailLines: 100 });
  await waitFor('five ticks', () => (out.text().match(/tick-/g) ?? []).length >= 5, 60_000);
  abort.abort();
  const lines = out.text().split('\n').filter(Boolean);
  const plain = await core.readNamespacedPodLog({ namespace: ns, name: 'logger', tailLines: 1, timestamps: true });
  return { first: lines[0], ticks: lines.filter((l) => l.startsWith('tick-')).length, stamped: plain };
}

async function exec(ns) {
  await runningPod(ns, 'shell', 'sleep 3600');
  const out = collector();
  const err = collector();
  const status = await new Promise((resolve, reject) => {
    new Exec(kc).exec(ns, 'shell', 'main', ['sh', '-c', 'echo out; echo err >&2; exit 3'], out.sink, err.sink, null, false, resolve)
      .catch(reject);
  });
  return { stdout: out.text(), stderr: err.text(), status: status.status, reason: status.reason ?? null, message: status.message ?? null };
}

const scenarios = { list, informer, patch, orphan, logs, exec };
const [scenario, ns] = process.argv.slice(2);
const result = await scenarios[scenario](ns);
console.log(JSON.stringify(result));
process.exit(0);
