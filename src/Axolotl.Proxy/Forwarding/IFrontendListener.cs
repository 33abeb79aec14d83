using Axolotl.Proxy.Routing;

namespace Axolotl.Proxy.Forwarding;

/// <summary>What serves one open frontend: a TCP listener with its accept loop, or a UDP relay socket with its receive loop.</summary>
internal interface IFrontendListener : IAsyncDisposable
{
    Frontend Frontend { get; }
}
