using System.Runtime.InteropServices;
using EchoOperator;
using EchoOperator.Controller;
using k8s;

// echo-operator: reconciles EchoServers (examples.axolotl.io/v1) in one namespace. In a pod it uses the
// service account's token and CA and KUBERNETES_SERVICE_HOST/PORT; elsewhere $KUBECONFIG or ~/.kube/config.
var config = KubernetesClientConfiguration.IsInCluster()
    ? KubernetesClientConfiguration.InClusterConfig()
    : KubernetesClientConfiguration.BuildConfigFromConfigFile();
var ns = Environment.GetEnvironmentVariable("WATCH_NAMESPACE") is { Length: > 0 } watch ? watch : config.Namespace ?? "default";
Log.Line($"echo-operator connecting to {config.Host} ({(KubernetesClientConfiguration.IsInCluster() ? "in-cluster service account" : "kubeconfig")})");

using var stop = new CancellationTokenSource();
// SIGTERM (kubectl delete pod) and Ctrl-C stop the watches and the worker, then the process exits 0.
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
using var client = new Kubernetes(config);
try
{
    await new EchoServerController(client, ns, TimeProvider.System).RunAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
}
Log.Line("echo-operator stopped");
