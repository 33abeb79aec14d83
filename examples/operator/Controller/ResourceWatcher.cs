using k8s;
using k8s.Models;

namespace EchoOperator.Controller;

/// <summary>
/// List then watch one kind in one namespace, mapping every object seen to the EchoServer key it concerns.
/// A watch that ends is resumed from the last resourceVersion; one that fails (410 Gone when the version is too
/// old, a dropped connection) is followed by a fresh list, since events may have been missed.
/// </summary>
public sealed class ResourceWatcher<T, TList>(
    string what,
    Func<CancellationToken, Task<TList>> list,
    Func<string, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType Type, T Item)>> watch,
    Func<T, ObjectKey?> keyOf,
    WorkQueue queue,
    TimeProvider time)
    where T : IKubernetesObject<V1ObjectMeta>
    where TList : IKubernetesObject<V1ListMeta>, IItems<T>
{
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var listed = await list(ct);
                foreach (var item in listed.Items)
                {
                    Enqueue(item);
                }
                var resourceVersion = listed.Metadata.ResourceVersion;
                while (!ct.IsCancellationRequested)
                {
                    Exception? failure = null;
                    await foreach (var (type, item) in watch(resourceVersion, e => failure = e, ct))
                    {
                        resourceVersion = item.Metadata?.ResourceVersion ?? resourceVersion;
                        if (type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted)
                        {
                            Enqueue(item);
                        }
                        else if (type is WatchEventType.Error)
                        {
                            throw new InvalidOperationException($"watch of {what} answered an error (its resourceVersion is too old)");
                        }
                    }
                    if (failure is not null)
                    {
                        throw failure;
                    }
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
            {
                Log.Line($"watch of {what} ended ({e.GetType().Name}: {e.Message}); listing again in 1s");
                await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
            }
        }
    }

    private void Enqueue(T item)
    {
        if (keyOf(item) is { } key)
        {
            queue.Add(key);
        }
    }
}
