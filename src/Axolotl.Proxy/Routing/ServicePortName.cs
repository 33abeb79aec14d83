namespace Axolotl.Proxy.Routing;

/// <summary>One port of one Service, as kube-proxy names it: namespace/name:port-name.</summary>
public readonly record struct ServicePortName(string Namespace, string Name, string Port)
{
    public override string ToString() => Port.Length == 0 ? $"{Namespace}/{Name}" : $"{Namespace}/{Name}:{Port}";
}
