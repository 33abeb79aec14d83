#!/usr/bin/env bash
# Runs client-node 1.1.2's examples (EX, a checkout's examples/) against the cluster in $KUBECONFIG, for
# scripts/run-official-client-suites --node-examples. The pods, deployments and namespaces the examples name
# are created first; each example is judged by its exit code and a line it must print, and what it changed
# is checked with kubectl. Two examples have bugs of their own, fixed in the scratch copy only (said below).
set -u
: "${EX:?EX: the examples folder of a client-node checkout}" "${WORK:?WORK: a scratch directory}"
N=$WORK/node-examples
mkdir -p "$N"
if [[ ! -d $N/node_modules/@kubernetes/client-node ]]; then
  echo '{"name":"node-examples","private":true,"type":"module"}' > "$N/package.json"
  (cd "$N" && npm install --no-audit --no-fund @kubernetes/client-node@1.1.2 tsx node-fetch@3 js-yaml@4 > /dev/null 2>&1)
fi
W=$N/work; rm -rf "$W"; mkdir -p "$W/logs"
cp -r "$EX/." "$W/"
cd "$N"
k() { kubectl "$@"; }
pass=0; fail=0
check() { # name, logfile, rc, expected-regex
  if [ "$3" = 0 ] || [ "$3" = 124 ]; then
    if [ -z "$4" ] || grep -Eq "$4" "$2"; then echo "PASS $1"; pass=$((pass+1)); return; fi
  fi
  echo "FAIL $1 (rc=$3; expected /$4/) log: $2"; fail=$((fail+1))
}
run() { # name, timeout, expected, file, args...
  local name=$1 t=$2 exp=$3 f=$4; shift 4
  (cd "$N" && timeout $t npx tsx "$W/$f" "$@" </dev/null > "$W/logs/$name.log" 2>&1); local rc=$?
  check "$name" "$W/logs/$name.log" $rc "$exp"
}
# --- pods the examples name
k apply -f - <<'Y' >/dev/null
apiVersion: v1
kind: Pod
metadata: {name: nginx-4217019353-9gl4s, namespace: default, labels: {app: example}}
spec:
  containers:
  - name: nginx
    image: nginx
    command: [sh, -c, 'echo copied-by-cp > /test.txt; while true; do echo tick; sleep 1; done']
---
apiVersion: v1
kind: Pod
metadata: {name: pod1, namespace: default, labels: {app: example}}
spec:
  containers:
  - {name: container1, image: busybox, command: [sh, -c, 'i=0; while true; do echo line $i; i=$((i+1)); sleep 1; done']}
---
apiVersion: v1
kind: Pod
metadata: {name: demo, namespace: default, labels: {app: example}}
spec:
  containers:
  - {name: web, image: python, command: [python3, -m, http.server, "8080"]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: docker-test-deployment, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: dtd}}
  template:
    metadata: {labels: {app: dtd}}
    spec: {containers: [{name: c, image: busybox, command: [sleep, "3600"]}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: my-namespace}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: my-deployment, namespace: my-namespace}
spec:
  replicas: 1
  selector: {matchLabels: {app: md}}
  template:
    metadata: {labels: {app: md}}
    spec: {containers: [{name: c, image: busybox, command: [sleep, "3600"]}]}
Y
k wait --for=condition=Ready pod/nginx-4217019353-9gl4s pod/pod1 pod/demo -n default --timeout=120s >/dev/null
# patch-example.js names k8s.JsonPatch, which 1.1.2 does not export (PatchStrategy.JsonPatch): the header says "undefined".
cp $W/patch-example.js $W/patch-example-fixed.js; sed -i 's/k8s\.JsonPatch/k8s.PatchStrategy.JsonPatch/' $W/patch-example-fixed.js
# apply-from-file-example.ts default-imports js-yaml, whose ESM build has no default export.
sed -i "s/^import yaml from 'js-yaml';/import * as yaml from 'js-yaml';/" $W/typescript/apply/apply-from-file-example.ts
# port-forward example listens on 127.0.0.1:8080 on the machine: move it to 18080 so it cannot clash.
sed -i 's/^const port = 8080;/const port = 8080;\nconst localPort = 18080;/; s/server.listen(port,/server.listen(localPort,/' $W/typescript/port-forward/port-forward.ts

run simple-example.ts 60 "kind: 'PodList'|items" typescript/simple/example.ts
run example.js 60 "items" example.js
run exec-example.ts 60 '"status": "Success"' typescript/exec/exec-example.ts ls
run attach-example.ts 15 "tick" typescript/attach/attach-example.ts
(cd $W/typescript/cp && timeout 60 npx tsx cp-example.ts > $W/logs/cp-example.ts.log 2>&1; rc=$?; cat /tmp/test.txt >> $W/logs/cp-example.ts.log 2>&1; rm -f /tmp/test.txt; check cp-example.ts $W/logs/cp-example.ts.log $rc copied-by-cp)
( cd "$N" && timeout 20 npx tsx $W/typescript/port-forward/port-forward.ts > $W/logs/port-forward.ts.log 2>&1 & )
for i in $(seq 1 30); do curl -s -m 5 http://127.0.0.1:18080/ >> $W/logs/port-forward.ts.log 2>&1 && break; sleep 0.5; done
check port-forward.ts $W/logs/port-forward.ts.log 0 "Directory listing"
run follow-logs.js 15 "line [0-9]+" follow-logs.js
run patch-example.ts 60 "^Patched" typescript/patch/patch-example.ts
run patch-example.js 60 "^Patched" patch-example.js
run patch-example-fixed.js 60 "^Patched" patch-example-fixed.js
run watch-example.ts 15 "new object:" typescript/watch/watch-example.ts
run informer.ts 15 "Added: " typescript/informer/informer.ts
run informer-with-label-selector.ts 40 "Deleted: server-foo" typescript/informer/informer-with-label-selector.ts
grep -q "Added: server-bar" $W/logs/informer-with-label-selector.ts.log && { echo "FAIL informer-with-label-selector.ts saw server-bar (app=bar) through app=foo"; fail=$((fail+1)); }
run cache-example.js 15 "nginx-4217019353-9gl4s" cache-example.js
run namespace.js 60 "Created namespace" namespace.js
k wait --for=delete namespace/test --timeout=60s >/dev/null 2>&1
run yaml-example.js 60 "Created namespace" yaml-example.js
run ingress.js 60 "" ingress.js
k get ingress production-custom-my-subdomain -n default >/dev/null 2>&1 || { echo "FAIL ingress.js: no Ingress"; fail=$((fail+1)); }
run raw-example.js 60 "statusCode: 200" raw-example.js
run scale-deployment.js 60 "" scale-deployment.js
[ "$(k get deploy docker-test-deployment -o jsonpath='{.spec.replicas}')" = 3 ] && echo "PASS scale-deployment.js replicas=3" || { echo "FAIL scale-deployment.js replicas not 3"; fail=$((fail+1)); }
run apply-example.ts 60 "" typescript/apply/apply-example.ts
[ "$(k get deploy my-deployment -n my-namespace -o jsonpath='{.spec.replicas}')" = 3 ] && echo "PASS apply-example.ts replicas=3" || { echo "FAIL apply-example.ts replicas not 3"; fail=$((fail+1)); }
cat > $W/typescript/apply/run-apply.ts <<'T'
import { apply } from './apply-from-file-example.js';
const created = await apply(process.argv[2]);
console.log('applied', created.map((o) => `${o.kind}/${o.metadata?.name}`).join(' '));
T
cat > $W/apply.yaml <<'T'
apiVersion: v1
kind: ConfigMap
metadata: {name: applied-cm, namespace: default}
data: {a: "1"}
---
apiVersion: v1
kind: Service
metadata: {name: applied-svc, namespace: default}
spec: {ports: [{port: 80}], selector: {app: x}}
T
run apply-from-file-create 60 "applied ConfigMap/applied-cm Service/applied-svc" typescript/apply/run-apply.ts $W/apply.yaml
sed -i 's/a: "1"/a: "2"/' $W/apply.yaml
run apply-from-file-patch 60 "applied ConfigMap/applied-cm Service/applied-svc" typescript/apply/run-apply.ts $W/apply.yaml
[ "$(k get cm applied-cm -o jsonpath='{.data.a}')" = 2 ] && echo "PASS apply-from-file data.a=2" || { echo "FAIL apply-from-file: data.a not 2"; fail=$((fail+1)); }
run top.js 60 "Node|CPU" top.js
run top_pods.js 60 "TOP CONTAINERS" top_pods.js
echo "examples: $pass passed, $fail failed (logs in $W/logs)"
# clean up what this created
k delete pod nginx-4217019353-9gl4s pod1 demo -n default --wait=false >/dev/null 2>&1
k delete deploy docker-test-deployment -n default >/dev/null 2>&1
k delete ns my-namespace --wait=false >/dev/null 2>&1
k delete ingress production-custom-my-subdomain cm applied-cm svc applied-svc -n default >/dev/null 2>&1
k delete cm applied-cm -n default >/dev/null 2>&1; k delete svc applied-svc -n default >/dev/null 2>&1
