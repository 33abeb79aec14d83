namespace Axolotl.Proxy.Ingress;

/// <summary>
/// Where an Ingress path sends its requests: a port of a Service in the Ingress's namespace, by number or
/// by name, and the Ingress that asked for it (for logs and events).
/// </summary>
public sealed record IngressRouteBackend(string Namespace, string Service, int? PortNumber, string? PortName, string Ingress)
{
    public override string ToString() => $"{Namespace}/{Service}:{(PortNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? PortName)}";
}
