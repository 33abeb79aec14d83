using Axolotl.Runtime;

namespace Axolotl.Commands;

/// <summary>The <see cref="ProcessRuntime"/> as <see cref="HeldListenerWiring"/> sees it.</summary>
public sealed class ProcessHeldListenerRuntime(ProcessRuntime runtime) : IHeldListenerRuntime
{
    public void Disarm(string podUid) => runtime.Disarm(podUid);

    public bool IsDisarmed(string podUid) => runtime.IsDisarmed(podUid);

    public Action<string, string>? ExitHeard
    {
        set => runtime.ExitHeard = value;
    }
}
