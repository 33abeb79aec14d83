using System.Net.Sockets;

namespace Axolotl.Proxy.Drain;

/// <summary>A held duplicate of a pod's listening socket (<see cref="HeldListener"/>); closing it frees the port.</summary>
public interface IHeldListener : IDisposable
{
    int Port { get; }

    /// <summary>Accepts up to <paramref name="limit"/> queued connections without waiting for more; returns by <paramref name="ct"/> at the latest.</summary>
    IReadOnlyList<Socket> Drain(int limit, CancellationToken ct);
}
