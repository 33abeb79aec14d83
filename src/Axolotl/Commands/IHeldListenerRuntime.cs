namespace Axolotl.Commands;

/// <summary>
/// What <see cref="HeldListenerWiring"/> needs of the node's container runtime (<see cref="Runtime.ProcessRuntime"/>): its
/// arming, and its hook on an exit line (ADR 0030). A seam, so the wiring is tested without a runtime.
/// </summary>
public interface IHeldListenerRuntime
{
    /// <summary>No container of the pod is armed from now on (<see cref="Runtime.ProcessRuntime.Disarm(string)"/>).</summary>
    void Disarm(string podUid);

    bool IsDisarmed(string podUid);

    /// <summary>Called with the pod's uid and the container's name on the thread that read an exit line, before an immediate restart's go.</summary>
    Action<string, string>? ExitHeard { set; }
}
