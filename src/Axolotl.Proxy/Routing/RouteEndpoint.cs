using System.Net;

namespace Axolotl.Proxy.Routing;

/// <summary>One backend of a Service port, as its EndpointSlice describes it.</summary>
public sealed record RouteEndpoint(IPEndPoint EndPoint, bool Ready, bool Serving, bool Terminating, string? NodeName, string? PodName)
{
    public override string ToString() => PodName is null ? EndPoint.ToString() : $"{EndPoint} ({PodName})";
}
