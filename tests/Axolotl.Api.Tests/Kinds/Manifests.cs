namespace Axolotl.Api.Tests.Kinds;

/// <summary>Realistic objects in the shape a v1.32 cluster returns them (kubectl get -o json), used by several tests.</summary>
internal static class Manifests
{
    public const string Deployment = """
    {
      "apiVersion": "apps/v1",
      "kind": "Deployment",
      "metadata": {
        "annotations": { "deployment.kubernetes.io/revision": "2", "kubectl.kubernetes.io/last-applied-configuration": "{}\n" },
        "creationTimestamp": "2024-05-01T10:00:00Z",
        "generation": 2,
        "labels": { "app": "web" },
        "name": "web",
        "namespace": "default",
        "resourceVersion": "12345",
        "uid": "6f1c5d0e-8d5a-4c1b-9a53-0a1e2b3c4d5e"
      },
      "spec": {
        "progressDeadlineSeconds": 600,
        "replicas": 3,
        "revisionHistoryLimit": 10,
        "selector": { "matchLabels": { "app": "web" }, "matchExpressions": [ { "key": "tier", "operator": "In", "values": [ "frontend" ] } ] },
        "strategy": { "rollingUpdate": { "maxSurge": "25%", "maxUnavailable": 1 }, "type": "RollingUpdate" },
        "template": {
          "metadata": { "creationTimestamp": null, "labels": { "app": "web", "tier": "frontend" }, "annotations": { "kubectl.kubernetes.io/restartedAt": "2024-05-02T08:00:00Z" } },
          "spec": {
            "affinity": {
              "podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                  { "weight": 100, "podAffinityTerm": { "labelSelector": { "matchLabels": { "app": "web" } }, "topologyKey": "kubernetes.io/hostname" } }
                ]
              }
            },
            "containers": [
              {
                "args": [ "--port=8080" ],
                "command": [ "/app/server" ],
                "env": [
                  { "name": "POD_NAME", "valueFrom": { "fieldRef": { "apiVersion": "v1", "fieldPath": "metadata.name" } } },
                  { "name": "MEMORY_LIMIT", "valueFrom": { "resourceFieldRef": { "containerName": "web", "divisor": "1Mi", "resource": "limits.memory" } } },
                  { "name": "LOG_LEVEL", "value": "info" },
                  { "name": "DB_PASSWORD", "valueFrom": { "secretKeyRef": { "key": "password", "name": "db", "optional": false } } },
                  { "name": "FEATURE", "valueFrom": { "configMapKeyRef": { "key": "feature", "name": "web-config" } } }
                ],
                "envFrom": [ { "configMapRef": { "name": "web-env" }, "prefix": "APP_" } ],
                "image": "nginx:1.27",
                "imagePullPolicy": "IfNotPresent",
                "lifecycle": { "preStop": { "exec": { "command": [ "sleep", "5" ] } }, "postStart": { "httpGet": { "path": "/warm", "port": 8080, "scheme": "HTTP" } } },
                "livenessProbe": {
                  "failureThreshold": 3,
                  "httpGet": { "httpHeaders": [ { "name": "X-Probe", "value": "live" } ], "path": "/healthz", "port": 8080, "scheme": "HTTP" },
                  "initialDelaySeconds": 5, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1, "terminationGracePeriodSeconds": 10
                },
                "name": "web",
                "ports": [ { "containerPort": 8080, "name": "http", "protocol": "TCP" } ],
                "readinessProbe": { "failureThreshold": 3, "periodSeconds": 5, "successThreshold": 1, "tcpSocket": { "port": "http" }, "timeoutSeconds": 1 },
                "resources": { "limits": { "cpu": "500m", "memory": "256Mi" }, "requests": { "cpu": "100m", "memory": "128Mi" } },
                "securityContext": { "allowPrivilegeEscalation": false, "capabilities": { "drop": [ "ALL" ] }, "readOnlyRootFilesystem": true, "runAsNonRoot": true, "runAsUser": 1000 },
                "startupProbe": { "exec": { "command": [ "cat", "/tmp/ready" ] }, "failureThreshold": 30, "periodSeconds": 2, "successThreshold": 1, "timeoutSeconds": 1 },
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "volumeMounts": [ { "mountPath": "/etc/config", "name": "config", "readOnly": true }, { "mountPath": "/cache", "name": "cache" } ],
                "workingDir": "/app"
              },
              {
                "image": "busybox:1.36",
                "imagePullPolicy": "IfNotPresent",
                "name": "grpc-sidecar",
                "livenessProbe": { "grpc": { "port": 9090, "service": "" }, "failureThreshold": 3, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1 },
                "resources": {},
                "stdin": true,
                "tty": true,
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "FallbackToLogsOnError"
              }
            ],
            "dnsPolicy": "ClusterFirst",
            "imagePullSecrets": [ { "name": "registry" } ],
            "initContainers": [
              { "name": "migrate", "image": "web-migrate:2", "imagePullPolicy": "IfNotPresent", "resources": {}, "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File" }
            ],
            "nodeSelector": { "kubernetes.io/os": "linux" },
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": { "fsGroup": 2000, "seccompProfile": { "type": "RuntimeDefault" } },
            "serviceAccount": "web",
            "serviceAccountName": "web",
            "terminationGracePeriodSeconds": 30,
            "tolerations": [ { "effect": "NoSchedule", "key": "dedicated", "operator": "Equal", "value": "web" } ],
            "topologySpreadConstraints": [ { "labelSelector": { "matchLabels": { "app": "web" } }, "maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway" } ],
            "volumes": [
              { "configMap": { "defaultMode": 420, "name": "web-config", "items": [ { "key": "app.yaml", "path": "app.yaml", "mode": 256 } ] }, "name": "config" },
              { "emptyDir": { "medium": "Memory", "sizeLimit": "64Mi" }, "name": "cache" }
            ]
          }
        }
      },
      "status": {
        "availableReplicas": 3,
        "conditions": [
          { "lastTransitionTime": "2024-05-01T10:00:10Z", "lastUpdateTime": "2024-05-01T10:00:10Z", "message": "Deployment has minimum availability.", "reason": "MinimumReplicasAvailable", "status": "True", "type": "Available" },
          { "lastTransitionTime": "2024-05-01T10:00:00Z", "lastUpdateTime": "2024-05-02T08:00:30Z", "message": "ReplicaSet \"web-5d9c7b8f6d\" has successfully progressed.", "reason": "NewReplicaSetAvailable", "status": "True", "type": "Progressing" }
        ],
        "observedGeneration": 2,
        "readyReplicas": 3,
        "replicas": 3,
        "updatedReplicas": 3
      }
    }
    """;

    public const string Service = """
    {
      "apiVersion": "v1",
      "kind": "Service",
      "metadata": { "creationTimestamp": "2024-05-01T10:00:00Z", "labels": { "app": "web" }, "name": "web", "namespace": "default", "resourceVersion": "2001", "uid": "0b9e1f0a-1111-4c2d-8e3f-123456789abc" },
      "spec": {
        "allocateLoadBalancerNodePorts": true,
        "clusterIP": "10.96.12.34",
        "clusterIPs": [ "10.96.12.34" ],
        "externalTrafficPolicy": "Cluster",
        "internalTrafficPolicy": "Cluster",
        "ipFamilies": [ "IPv4" ],
        "ipFamilyPolicy": "SingleStack",
        "ports": [
          { "name": "http", "nodePort": 31080, "port": 80, "protocol": "TCP", "targetPort": "http", "appProtocol": "http" },
          { "name": "metrics", "nodePort": 31090, "port": 9090, "protocol": "TCP", "targetPort": 9090 }
        ],
        "selector": { "app": "web" },
        "sessionAffinity": "ClientIP",
        "sessionAffinityConfig": { "clientIP": { "timeoutSeconds": 10800 } },
        "type": "LoadBalancer"
      },
      "status": { "loadBalancer": { "ingress": [ { "ip": "192.168.1.10", "ipMode": "VIP" } ] } }
    }
    """;

    public const string Node = """
    {
      "apiVersion": "v1",
      "kind": "Node",
      "metadata": {
        "annotations": { "node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true" },
        "creationTimestamp": "2024-04-30T09:00:00Z",
        "labels": { "beta.kubernetes.io/arch": "amd64", "kubernetes.io/hostname": "worker-1", "kubernetes.io/os": "linux", "node-role.kubernetes.io/control-plane": "" },
        "name": "worker-1",
        "resourceVersion": "98765",
        "uid": "a1b2c3d4-e5f6-4a5b-8c7d-9e8f7a6b5c4d"
      },
      "spec": {
        "podCIDR": "10.244.0.0/24",
        "podCIDRs": [ "10.244.0.0/24" ],
        "providerID": "kind://docker/kind/worker-1",
        "taints": [ { "effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane" } ]
      },
      "status": {
        "addresses": [ { "address": "172.18.0.2", "type": "InternalIP" }, { "address": "worker-1", "type": "Hostname" } ],
        "allocatable": { "cpu": "2", "ephemeral-storage": "18556039957", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": "3818052Ki", "pods": "110" },
        "capacity": { "cpu": "2", "ephemeral-storage": "20134592Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": "4015428Ki", "pods": "110" },
        "conditions": [
          { "lastHeartbeatTime": "2024-05-02T10:00:00Z", "lastTransitionTime": "2024-04-30T09:00:00Z", "message": "kubelet has sufficient memory available", "reason": "KubeletHasSufficientMemory", "status": "False", "type": "MemoryPressure" },
          { "lastHeartbeatTime": "2024-05-02T10:00:00Z", "lastTransitionTime": "2024-04-30T09:00:30Z", "message": "kubelet is posting ready status", "reason": "KubeletReady", "status": "True", "type": "Ready" }
        ],
        "daemonEndpoints": { "kubeletEndpoint": { "Port": 10250 } },
        "features": { "supplementalGroupsPolicy": true },
        "images": [ { "names": [ "registry.k8s.io/etcd@sha256:abc", "registry.k8s.io/etcd:3.5.15-0" ], "sizeBytes": 56909194 } ],
        "nodeInfo": {
          "architecture": "amd64", "bootID": "5f0c2c8e-0000-4000-8000-000000000001", "containerRuntimeVersion": "containerd://1.7.18",
          "kernelVersion": "6.1.0-21-amd64", "kubeProxyVersion": "v1.32.0", "kubeletVersion": "v1.32.0", "machineID": "0123456789abcdef",
          "operatingSystem": "linux", "osImage": "Debian GNU/Linux 12 (bookworm)", "systemUUID": "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
        },
        "runtimeHandlers": [ { "features": { "recursiveReadOnlyMounts": true, "userNamespaces": true }, "name": "runc" }, { "features": { "recursiveReadOnlyMounts": true, "userNamespaces": true }, "name": "" } ]
      }
    }
    """;

    public const string Pod = """
    {
      "apiVersion": "v1",
      "kind": "Pod",
      "metadata": {
        "creationTimestamp": "2024-05-02T08:00:05Z",
        "generateName": "web-5d9c7b8f6d-",
        "labels": { "app": "web", "pod-template-hash": "5d9c7b8f6d" },
        "managedFields": [ { "apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": { "f:metadata": { "f:labels": { ".": {} } } }, "manager": "kube-controller-manager", "operation": "Update", "time": "2024-05-02T08:00:05Z" } ],
        "name": "web-5d9c7b8f6d-x7k2p",
        "namespace": "default",
        "ownerReferences": [ { "apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true, "kind": "ReplicaSet", "name": "web-5d9c7b8f6d", "uid": "7e8f9a0b-1c2d-4e3f-8a9b-0c1d2e3f4a5b" } ],
        "resourceVersion": "13001",
        "uid": "c0ffee00-1234-4abc-9def-0123456789ab"
      },
      "spec": {
        "containers": [
          {
            "image": "nginx:1.27",
            "imagePullPolicy": "IfNotPresent",
            "name": "web",
            "ports": [ { "containerPort": 8080, "name": "http", "protocol": "TCP" } ],
            "resources": { "limits": { "memory": "256Mi" }, "requests": { "cpu": "100m", "memory": "256Mi" } },
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
            "volumeMounts": [ { "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-7xk2z", "readOnly": true } ]
          }
        ],
        "dnsPolicy": "ClusterFirst",
        "enableServiceLinks": true,
        "nodeName": "worker-1",
        "preemptionPolicy": "PreemptLowerPriority",
        "priority": 0,
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "serviceAccount": "default",
        "serviceAccountName": "default",
        "terminationGracePeriodSeconds": 30,
        "tolerations": [
          { "effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300 },
          { "effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300 }
        ],
        "volumes": [
          {
            "name": "kube-api-access-7xk2z",
            "projected": {
              "defaultMode": 420,
              "sources": [
                { "serviceAccountToken": { "expirationSeconds": 3607, "path": "token" } },
                { "configMap": { "items": [ { "key": "ca.crt", "path": "ca.crt" } ], "name": "kube-root-ca.crt" } },
                { "downwardAPI": { "items": [ { "fieldRef": { "apiVersion": "v1", "fieldPath": "metadata.namespace" }, "path": "namespace" } ] } }
              ]
            }
          }
        ]
      },
      "status": {
        "conditions": [
          { "lastProbeTime": null, "lastTransitionTime": "2024-05-02T08:00:07Z", "status": "True", "type": "PodReadyToStartContainers" },
          { "lastProbeTime": null, "lastTransitionTime": "2024-05-02T08:00:05Z", "status": "True", "type": "Initialized" },
          { "lastProbeTime": null, "lastTransitionTime": "2024-05-02T08:00:20Z", "status": "True", "type": "Ready" },
          { "lastProbeTime": null, "lastTransitionTime": "2024-05-02T08:00:20Z", "status": "True", "type": "ContainersReady" },
          { "lastProbeTime": null, "lastTransitionTime": "2024-05-02T08:00:05Z", "status": "True", "type": "PodScheduled" }
        ],
        "containerStatuses": [
          {
            "containerID": "containerd://4f2a",
            "image": "docker.io/library/nginx:1.27",
            "imageID": "docker.io/library/nginx@sha256:deadbeef",
            "lastState": { "terminated": { "containerID": "containerd://1a2b", "exitCode": 137, "finishedAt": "2024-05-02T08:00:15Z", "reason": "OOMKilled", "startedAt": "2024-05-02T08:00:08Z" } },
            "name": "web",
            "ready": true,
            "restartCount": 1,
            "started": true,
            "state": { "running": { "startedAt": "2024-05-02T08:00:16Z" } },
            "volumeMounts": [ { "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-7xk2z", "readOnly": true, "recursiveReadOnly": "Disabled" } ]
          }
        ],
        "hostIP": "172.18.0.2",
        "hostIPs": [ { "ip": "172.18.0.2" } ],
        "phase": "Running",
        "podIP": "10.244.0.7",
        "podIPs": [ { "ip": "10.244.0.7" } ],
        "qosClass": "Burstable",
        "startTime": "2024-05-02T08:00:05Z"
      }
    }
    """;
}
