using System.Collections.Concurrent;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>
/// One lock per namespace: quota checks, the writes they admit and status recounts in a namespace
/// run one at a time, so two concurrent creates cannot both fit in the last free slot.
/// </summary>
public sealed class NamespaceLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string ns, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd(ns, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
