using System.Net;

namespace Axolotl.Proxy.Ingress;

/// <summary>One address and port the Ingress controller listens on, plain HTTP or TLS.</summary>
public readonly record struct IngressEndpoint(IPAddress Address, int Port, bool Tls)
{
    public IPEndPoint EndPoint => new(Address, Port);

    public override string ToString() => $"{(Tls ? "https" : "http")}://{Address}:{Port}";
}
