using System.Net;

namespace Axolotl.ApiServer.Hosting;

public sealed class ApiServerOptions
{
    public required string DataDir { get; init; }
    public int Port { get; init; } = 6443;
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>Where Services get their cluster IPs (see <see cref="Admission.ServiceAllocator"/>).</summary>
    public string ServiceCidr { get; init; } = Admission.ServiceAllocator.DefaultServiceCidr;
}
