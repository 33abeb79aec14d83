using System.Net;
using Axolotl.Api.Net;

namespace Axolotl.Proxy.Routing;

/// <summary>What a snapshot depends on besides the API objects: this node and its addresses.</summary>
/// <param name="NodeName">For Local traffic policies: endpoints on this node only.</param>
/// <param name="ServiceCidr">Cluster IPs outside it are not served (the interface may only carry this range).</param>
/// <param name="NodePortAddresses">The node's addresses that node ports listen on (127.0.0.1 included).</param>
/// <param name="IsLocalAddress">Whether a load balancer ingress IP belongs to this host, so it can be listened on.</param>
public sealed record RoutingContext(string NodeName, Ipv4Cidr ServiceCidr, IReadOnlyCollection<IPAddress> NodePortAddresses, Func<IPAddress, bool> IsLocalAddress);
