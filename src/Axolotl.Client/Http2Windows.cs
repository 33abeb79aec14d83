namespace Axolotl.Client;

/// <summary>
/// The HTTP/2 receive window of every API client. .NET starts each stream at 64 KiB; a watch that carries
/// pod events (3–13 kB each) then stalls after a few events until the client has read them and its
/// WINDOW_UPDATE has reached the server, and on a busy process each of those hops waits for a thread: the
/// server's in-process informers, which share one connection, fell 20–30 s behind the watch cache at 100 pods
/// a second. Go's HTTP/2 transport, which client-go uses, opens each stream with 4 MiB.
/// </summary>
public static class Http2Windows
{
    /// <summary>Each stream's initial receive window: Go's transportDefaultStreamFlow.</summary>
    public const int StreamWindowSize = 4 << 20;
}
