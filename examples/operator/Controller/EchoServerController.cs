using EchoOperator.Model;
using EchoOperator.Reconcile;
using k8s;
using k8s.Models;

namespace EchoOperator.Controller;

/// <summary>
/// Watches EchoServers and the Deployments and Services it made (label managed-by=echo-operator) in one
/// namespace; any change to either queues the owning EchoServer's key, and one worker reconciles keys in turn.
/// </summary>
public sealed class EchoServerController(IKubernetes client, string ns, TimeProvider time)
{
    private readonly WorkQueue _queue = new(time);

    public async Task RunAsync(CancellationToken ct)
    {
        var reconciler = new EchoServerReconciler(client, new EventRecorder(client, time), time);
        var selector = DesiredObjects.ManagedSelector;
        var echoes = new ResourceWatcher<EchoServer, EchoServerList>("echoservers",
            c => client.CustomObjects.ListNamespacedCustomObjectAsync<EchoServerList>(EchoServer.Group, EchoServer.Version, ns, EchoServer.Plural, cancellationToken: c),
            (rv, onError, c) => WatchEchoServersAsync(rv, onError, c),
            e => new ObjectKey(e.Metadata.NamespaceProperty, e.Metadata.Name), _queue, time);
        var deployments = new ResourceWatcher<V1Deployment, V1DeploymentList>("deployments",
            c => client.AppsV1.ListNamespacedDeploymentAsync(ns, labelSelector: selector, cancellationToken: c),
            (rv, onError, c) => client.AppsV1.WatchListNamespacedDeploymentAsync(ns, labelSelector: selector, resourceVersion: rv,
                allowWatchBookmarks: true, onError: onError, cancellationToken: c),
            d => OwnerKey(d.Metadata), _queue, time);
        var services = new ResourceWatcher<V1Service, V1ServiceList>("services",
            c => client.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: selector, cancellationToken: c),
            (rv, onError, c) => client.CoreV1.WatchListNamespacedServiceAsync(ns, labelSelector: selector, resourceVersion: rv,
                allowWatchBookmarks: true, onError: onError, cancellationToken: c),
            s => OwnerKey(s.Metadata), _queue, time);

        Log.Line($"echo-operator watching EchoServers in namespace {ns}");
        await Task.WhenAll(echoes.RunAsync(ct), deployments.RunAsync(ct), services.RunAsync(ct), WorkAsync(reconciler, ct));
    }

    private async Task WorkAsync(EchoServerReconciler reconciler, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            ObjectKey key;
            try
            {
                key = await _queue.TakeAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            try
            {
                await reconciler.ReconcileAsync(key, ct);
                _queue.Forget(key);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
            {
                var delay = _queue.Retry(key, ct);
                Log.Line($"EchoServer {key}: reconcile failed ({Describe(e)}); retrying in {delay.TotalMilliseconds:0} ms");
            }
        }
    }

    /// <summary>The client's custom-object watch yields JSON; each event's object is read as an EchoServer.</summary>
    private async IAsyncEnumerable<(WatchEventType Type, EchoServer Item)> WatchEchoServersAsync(string resourceVersion, Action<Exception> onError,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (type, item) in client.CustomObjects.WatchListNamespacedCustomObjectAsync(EchoServer.Group, EchoServer.Version, ns,
            EchoServer.Plural, resourceVersion: resourceVersion, allowWatchBookmarks: true, onError: onError, cancellationToken: ct))
        {
            yield return (type, KubernetesJson.Deserialize<EchoServer>(((System.Text.Json.JsonElement)item).GetRawText()));
        }
    }

    /// <summary>The EchoServer that controls an object, from its controller owner reference.</summary>
    private static ObjectKey? OwnerKey(V1ObjectMeta meta)
    {
        var owner = meta.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == EchoServer.KindName
            && o.ApiVersion.StartsWith(EchoServer.Group + "/", StringComparison.Ordinal));
        return owner is null ? null : new ObjectKey(meta.NamespaceProperty, owner.Name);
    }

    private static string Describe(Exception e) =>
        e is k8s.Autorest.HttpOperationException h ? $"{(int)h.Response.StatusCode} {h.Response.Content}" : $"{e.GetType().Name}: {e.Message}";
}
