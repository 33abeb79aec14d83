namespace Axolotl.Agent.Server;

/// <summary>
/// Holds an exec's or attach's first message until the client has had time to set up its streams.
/// client-go (kubectl) starts reading the WebSocket before it registers its stdout, stderr and error
/// streams, and drops what arrives for a stream it does not know yet ("Unknown stream id 1, discarding
/// message", then "error: closed all streams"). A kubelet answers tens of milliseconds after the
/// upgrade (a round trip to the runtime, runc's exec), so the race stays hidden there; a command that
/// prints at once here (`cat /etc/hosts`) lost its output when kubectl was descheduled. The gate opens
/// when the client sends anything (its streams exist by then) or after <see cref="Hold"/>.
/// </summary>
internal sealed class StreamsReadyGate
{
    /// <summary>Longer than a descheduled client thread waits for a core on a loaded machine.</summary>
    public static readonly TimeSpan Hold = TimeSpan.FromMilliseconds(100);

    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamsReadyGate(TimeProvider time, TimeSpan? hold = null)
    {
        var timer = time.CreateTimer(_ => _open.TrySetResult(), null, hold ?? Hold, Timeout.InfiniteTimeSpan);
        _open.Task.ContinueWith(_ => timer.Dispose(), TaskScheduler.Default);
    }

    public Task Opened => _open.Task;

    /// <summary>The client sent a message: it reads its streams already.</summary>
    public void ClientSpoke() => _open.TrySetResult();
}
