"""Drives an Axolotl server with Debian's python3-kubernetes, as that client's users do.

Usage: official_client.py SCENARIO NAMESPACE [ARG...]; KUBECONFIG names the server. Each scenario
prints one JSON object (its observations) as the last line of stdout; the C# test asserts on it.
A failure raises, so the process exits non-zero with the client's traceback on stderr.
"""
import json
import sys
import threading

from kubernetes import client, config, watch
from kubernetes.stream import stream


def core():
    return client.CoreV1Api()


# Every namespace also holds kube-root-ca.crt (as on Kubernetes): the scenarios select their own objects.
SUITE = "suite=official-client"


def config_map(name, data, labels=None):
    return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name, labels={"suite": "official-client", **(labels or {})}), data=data)


def scenario_list(ns):
    api = core()
    for i in range(3):
        api.create_namespaced_config_map(ns, config_map(f"item-{i}", {"i": str(i)}, {"tier": "a" if i < 2 else "b"}))
    everything = api.list_namespaced_config_map(ns, label_selector=SUITE)
    selected = api.list_namespaced_config_map(ns, label_selector=SUITE + ",tier=a")
    paged = api.list_namespaced_config_map(ns, label_selector=SUITE, limit=2)
    rest = api.list_namespaced_config_map(ns, label_selector=SUITE, limit=2, _continue=paged.metadata._continue)
    return {
        "all": sorted(i.metadata.name for i in everything.items),
        "selected": sorted(i.metadata.name for i in selected.items),
        "firstPage": [i.metadata.name for i in paged.items],
        "secondPage": [i.metadata.name for i in rest.items],
        "resourceVersion": everything.metadata.resource_version,
    }


def scenario_watch(ns):
    """watch.Watch().stream sends watch=True; it must get events, not a list."""
    api = core()
    start = api.list_namespaced_config_map(ns).metadata.resource_version
    api.create_namespaced_config_map(ns, config_map("watched", {"v": "1"}))
    api.patch_namespaced_config_map("watched", ns, {"data": {"v": "2"}})
    api.delete_namespaced_config_map("watched", ns)
    events = []
    w = watch.Watch()
    for event in w.stream(api.list_namespaced_config_map, ns, label_selector=SUITE, resource_version=start, timeout_seconds=60):
        events.append([event["type"], event["object"].metadata.name, (event["object"].data or {}).get("v")])
        if event["type"] == "DELETED":
            w.stop()
    return {"events": events}


def scenario_watch_live(ns):
    """An informer-like loop: the watch is open first, the changes come while it streams."""
    api = core()
    events = []
    opened = threading.Event()
    w = watch.Watch()

    def write():
        opened.wait(60)
        api.create_namespaced_config_map(ns, config_map("live", {"v": "1"}))
        api.delete_namespaced_config_map("live", ns)

    writer = threading.Thread(target=write)
    writer.start()
    api.create_namespaced_config_map(ns, config_map("already-there", {"v": "0"}))
    for event in w.stream(api.list_namespaced_config_map, ns, label_selector=SUITE, timeout_seconds=60):
        events.append([event["type"], event["object"].metadata.name])
        # The synthetic ADDED of the existing object proves the stream is open.
        opened.set()
        if event["type"] == "DELETED" and event["object"].metadata.name == "live":
            w.stop()
    writer.join()
    return {"events": events}


def scenario_patch(ns):
    """Strategic merge (a dict), JSON patch (a list) and merge patch (a default Content-Type)."""
    api = core()
    api.create_namespaced_config_map(ns, config_map("patched", {"a": "1", "b": "2"}, {"keep": "yes"}))
    strategic = api.patch_namespaced_config_map("patched", ns, {"data": {"a": "10"}, "metadata": {"labels": {"added": "yes"}}})
    json_patch = api.patch_namespaced_config_map("patched", ns, [
        {"op": "remove", "path": "/data/b"},
        {"op": "add", "path": "/data/c", "value": "3"},
    ])
    merge_client = client.ApiClient()
    merge_client.set_default_header("Content-Type", "application/merge-patch+json")
    merged = client.CoreV1Api(merge_client).patch_namespaced_config_map("patched", ns, {"metadata": {"labels": {"keep": None}}, "data": {"d": "4"}})
    dry = api.patch_namespaced_config_map("patched", ns, {"data": {"a": "dry"}}, dry_run="All")
    final = api.read_namespaced_config_map("patched", ns)
    return {
        "strategic": strategic.data, "strategicLabels": strategic.metadata.labels,
        "jsonPatch": json_patch.data,
        "merged": merged.data, "mergedLabels": merged.metadata.labels,
        "dryRunAnswer": dry.data["a"], "final": final.data,
        "generation": final.metadata.generation,
    }


def scenario_spellings(ns):
    """Every boolean spelling the raw REST call can carry, through the client's own transport."""
    api_client = client.ApiClient()
    results = {}
    for spelling in ["true", "True", "TRUE", "1", "t", "false", "False", "0"]:
        response = api_client.call_api(
            f"/api/v1/namespaces/{ns}/configmaps", "GET", query_params=[("watch", spelling), ("timeoutSeconds", "1")],
            header_params={"Accept": "application/json"}, auth_settings=["BearerToken"], _preload_content=False)
        body = response[0].data.decode()
        results[spelling] = "watch" if body.strip() == "" or '"type"' in body.splitlines()[0] else json.loads(body)["kind"]
    return {"spellings": results}


def replica_set(name, replicas):
    labels = {"app": name}
    return client.V1ReplicaSet(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1ReplicaSetSpec(
            replicas=replicas,
            selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(
                    termination_grace_period_seconds=1,
                    containers=[client.V1Container(name="main", image="busybox", command=["sleep", "3600"])]))))


def owned_pods(ns, selector):
    return [p for p in core().list_namespaced_pod(ns, label_selector=selector).items if p.metadata.deletion_timestamp is None]


def wait_for(what, probe, timeout=120):
    """Polls through a watch-free loop with a deadline; the server's own pace decides."""
    import time
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.2)


def scenario_orphan(ns, how):
    """Deletes a ReplicaSet asking to orphan its pods (orphanDependents=True or propagationPolicy=Orphan)."""
    apps = client.AppsV1Api()
    name = "orphaner-" + how.lower()
    apps.create_namespaced_replica_set(ns, replica_set(name, 2))
    pods = wait_for("2 pods", lambda: (lambda ps: ps if len(ps) == 2 else None)(owned_pods(ns, f"app={name}")))
    before = sorted(p.metadata.name for p in pods)
    if how == "orphanDependents":
        apps.delete_namespaced_replica_set(name, ns, orphan_dependents=True)
    else:
        apps.delete_namespaced_replica_set(name, ns, body=client.V1DeleteOptions(propagation_policy="Orphan"))

    def gone():
        try:
            apps.read_namespaced_replica_set(name, ns)
            return False
        except client.exceptions.ApiException as e:
            return e.status == 404

    wait_for("the ReplicaSet to go", gone)
    released = wait_for("pods without an owner", lambda: (lambda ps: ps if all(not p.metadata.owner_references for p in ps) else None)(owned_pods(ns, f"app={name}")))
    return {"before": before, "after": sorted(p.metadata.name for p in released)}


def running_pod(ns, name, script):
    api = core()
    api.create_namespaced_pod(ns, client.V1Pod(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1PodSpec(termination_grace_period_seconds=1,
                              containers=[client.V1Container(name="main", image="busybox", command=["sh", "-c", script])])))
    wait_for(f"pod {name} to run", lambda: api.read_namespaced_pod(name, ns).status.phase == "Running")


def scenario_logs(ns):
    api = core()
    running_pod(ns, "logger", "echo first; echo second; i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.2; done")
    whole = wait_for("two lines", lambda: (lambda t: t if t.startswith("first\nsecond\n") else None)(api.read_namespaced_pod_log("logger", ns)))
    limited = api.read_namespaced_pod_log("logger", ns, limit_bytes=6)
    stamped = api.read_namespaced_pod_log("logger", ns, timestamps=True, tail_lines=1)
    followed = []
    response = api.read_namespaced_pod_log("logger", ns, follow=True, _preload_content=False)
    for line in response.stream():
        followed.extend(l for l in line.decode().splitlines() if l)
        if len([l for l in followed if l.startswith("tick-")]) >= 5:
            break
    response.release_conn()
    return {"head": whole.splitlines()[:2], "limited": limited, "stamped": stamped, "followed": followed[:2], "ticks": len([l for l in followed if l.startswith("tick-")])}


def scenario_exec(ns):
    api = core()
    running_pod(ns, "shell", "sleep 3600")
    output = stream(api.connect_get_namespaced_pod_exec, "shell", ns,
                    command=["sh", "-c", "echo out; echo err >&2"], stderr=True, stdin=False, stdout=True, tty=False)
    session = stream(api.connect_get_namespaced_pod_exec, "shell", ns,
                     command=["sh", "-c", "read line; echo got-$line; exit 3"], stderr=True, stdin=True, stdout=True, tty=False,
                     _preload_content=False)
    session.write_stdin("hello\n")
    session.run_forever(timeout=60)
    stdout = session.read_stdout() if session.peek_stdout() else ""
    code = session.returncode
    session.close()
    return {"output": output, "stdinStdout": stdout, "exitCode": code}


def scenario_raw(ns):
    """Bytes as the client receives them: objects, lists and Status end with a newline; /openapi/v2 is Swagger."""
    api_client = client.ApiClient()
    core().create_namespaced_config_map(ns, config_map("raw", {"k": "v"}))

    def raw(path):
        try:
            response = api_client.call_api(path, "GET", header_params={"Accept": "application/json"},
                                           auth_settings=["BearerToken"], _preload_content=False)[0]
            return response.data.decode()
        except client.exceptions.ApiException as e:
            return e.body.decode() if isinstance(e.body, bytes) else e.body

    swagger = json.loads(raw("/openapi/v2"))
    return {
        "object": raw(f"/api/v1/namespaces/{ns}/configmaps/raw")[-2:],
        "list": raw(f"/api/v1/namespaces/{ns}/configmaps")[-2:],
        "status": raw(f"/api/v1/namespaces/{ns}/configmaps/missing")[-2:],
        "swagger": swagger["swagger"],
        "configMapRef": swagger["paths"]["/api/v1/namespaces/{namespace}/configmaps/{name}"]["get"]["responses"]["200"]["schema"]["$ref"],
    }


API_SERVICE = """\
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1alpha1.wardle.k8s.io
spec:
  insecureSkipTLSVerify: true
  group: wardle.k8s.io
  groupPriorityMinimum: 1000
  versionPriority: 15
  service:
    name: api
    namespace: wardle
  version: v1alpha1
"""


def scenario_apiservice(ns):
    """The client's own e2e test_create_apiservice_from_yaml_with_conflict, from a file as it does it."""
    import os
    import tempfile
    from kubernetes import utils
    k8s_client = client.ApiClient()
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(API_SERVICE)
    try:
        utils.create_from_yaml(k8s_client, f.name)
        reg_api = client.ApiregistrationV1Api(k8s_client)
        svc = reg_api.read_api_service(name="v1alpha1.wardle.k8s.io")
        conflict = None
        try:
            utils.create_from_yaml(k8s_client, f.name)
        except utils.FailToCreateError as e:
            conflict = str(e)
        reg_api.delete_api_service(name="v1alpha1.wardle.k8s.io", body={})
    finally:
        os.unlink(f.name)
    return {
        "name": svc.metadata.name,
        "group": svc.spec.group,
        "version": svc.spec.version,
        "conflict": conflict,
    }


SCENARIOS = {
    "apiservice": scenario_apiservice,
    "raw": scenario_raw,
    "list": scenario_list,
    "watch": scenario_watch,
    "watch-live": scenario_watch_live,
    "patch": scenario_patch,
    "spellings": scenario_spellings,
    "orphan": scenario_orphan,
    "logs": scenario_logs,
    "exec": scenario_exec,
}


def main():
    scenario, ns, *rest = sys.argv[1:]
    config.load_kube_config()
    result = SCENARIOS[scenario](ns, *rest)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
