using System.Net;

namespace Axolotl.Proxy.Drain;

/// <summary>
/// One pod's listening port the agent may hold a duplicate of (ADR 0030): the pod (namespace, name), its address and the
/// endpoint's port. At most one duplicate per value.
/// </summary>
public readonly record struct HeldPort(string Namespace, string Pod, IPAddress Address, int Port)
{
    public override string ToString() => $"{Namespace}/{Pod} {Address}:{Port}";
}
