using Axolotl.Client.Informers;

namespace Axolotl.Controllers.Runtime;

/// <summary>
/// The informers a controller reads: started together, waited for until all have synced, and stopped
/// when the controller's work ends (however it ends).
/// </summary>
public sealed class InformerGroup
{
    private readonly List<(Func<CancellationToken, Task> Run, Func<CancellationToken, Task> Synced)> _members = [];

    public SharedInformer<T> Add<T>(SharedInformer<T> informer)
        where T : Api.Meta.KubeObject
    {
        _members.Add((informer.RunAsync, informer.WaitForSyncAsync));
        return informer;
    }

    /// <summary>Runs the informers, then <paramref name="work"/> once they have all synced.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> work, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = _members.Select(m => Task.Run(() => m.Run(stop.Token), CancellationToken.None)).ToList();
        try
        {
            await Task.WhenAll(_members.Select(m => m.Synced(ct)));
            await work(ct);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(running);
        }
    }
}
