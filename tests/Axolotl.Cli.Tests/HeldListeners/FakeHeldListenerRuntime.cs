using System.Collections.Concurrent;
using Axolotl.Commands;

namespace Axolotl.Cli.Tests.HeldListeners;

/// <summary>The runtime's arming and exit hook, recorded.</summary>
internal sealed class FakeHeldListenerRuntime : IHeldListenerRuntime
{
    private readonly ConcurrentDictionary<string, bool> _disarmed = new();

    public Action<string, string>? ExitHeard { get; set; }

    public void Disarm(string podUid) => _disarmed[podUid] = true;

    public bool IsDisarmed(string podUid) => _disarmed.ContainsKey(podUid);
}
