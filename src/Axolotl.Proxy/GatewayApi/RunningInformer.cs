using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// An informer of a custom resource that runs only while its CRD is installed: started when the CRD is established,
/// stopped when it goes (a watch on a resource that no longer exists would only fail and back off). Every change
/// wakes the controller's loop.
/// </summary>
internal sealed class RunningInformer<T> : IAsyncDisposable
    where T : KubeObject
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;
    private readonly IDisposable _registration;

    public RunningInformer(KubeClient client, ResourceType resource, SharedInformerOptions options, TimeProvider time, ILoggerFactory logging, Action wake,
        CancellationToken ct)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Informer = new SharedInformer<T>(client.Resource<T>(resource), time, logging.CreateLogger($"Axolotl.Informer.{resource.Kind}"), options);
        _registration = Informer.AddEventHandler(new ResourceEventHandler<T>(_ => wake(), (_, _) => wake(), _ => wake()));
        _run = Task.Run(() => Informer.RunAsync(_stop.Token), CancellationToken.None);
        // An empty list adds nothing, so the first sync itself must wake the loop.
        _ = Informer.WaitForSyncAsync(_stop.Token).ContinueWith(t => wake(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    public SharedInformer<T> Informer { get; }

    public IReadOnlyList<T> List() => Informer.HasSynced ? Informer.Lister.List() : [];

    public async ValueTask DisposeAsync()
    {
        _registration.Dispose();
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
