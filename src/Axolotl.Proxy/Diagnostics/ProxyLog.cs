using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Diagnostics;

internal static partial class ProxyLog
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Service proxy for node {Node} started: service CIDR {Cidr}, cluster IPs on {Interface}, node ports on {Addresses}, {Mode} balancing")]
    public static partial void Started(ILogger logger, string node, string cidr, string @interface, string addresses, string mode);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Service proxy stopped; interface {Interface} removed")]
    public static partial void Stopped(ILogger logger, string @interface);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "Service proxy: cannot manage interface {Interface} ({Reason}); cluster IPs will not be reachable, node ports still are")]
    public static partial void InterfaceUnavailable(ILogger logger, string @interface, string reason);

    [LoggerMessage(EventId = 8010, Level = LogLevel.Debug, Message = "Service proxy: routing updated ({Routes} service ports, {Frontends} frontends, {Endpoints} usable endpoints) in {Milliseconds:F2} ms")]
    public static partial void SnapshotSwapped(ILogger logger, int routes, int frontends, int endpoints, double milliseconds);

    [LoggerMessage(EventId = 8011, Level = LogLevel.Warning, Message = "Service proxy: {Conflict}")]
    public static partial void Conflict(ILogger logger, string conflict);

    [LoggerMessage(EventId = 8012, Level = LogLevel.Information, Message = "Service proxy: reset {Count} open connections of Service ports that no longer exist")]
    public static partial void ConnectionsAborted(ILogger logger, int count);

    [LoggerMessage(EventId = 8013, Level = LogLevel.Error, Message = "Service proxy: sync failed; retrying on the next change")]
    public static partial void SyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8020, Level = LogLevel.Debug, Message = "Service proxy: listening on {Frontend}")]
    public static partial void ListenerOpened(ILogger logger, Frontend frontend);

    [LoggerMessage(EventId = 8021, Level = LogLevel.Debug, Message = "Service proxy: stopped listening on {Frontend}")]
    public static partial void ListenerClosed(ILogger logger, Frontend frontend);

    [LoggerMessage(EventId = 8022, Level = LogLevel.Warning, Message = "Service proxy: cannot listen on {Frontend}: {Reason}; retrying")]
    public static partial void BindFailed(ILogger logger, Frontend frontend, string reason);

    [LoggerMessage(EventId = 8023, Level = LogLevel.Warning, Message = "Service proxy: accepting on {Frontend} failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception, Frontend frontend);

    [LoggerMessage(EventId = 8030, Level = LogLevel.Debug, Message = "Service proxy: {Frontend} serves no Service; connection reset")]
    public static partial void NoService(ILogger logger, Frontend frontend);

    [LoggerMessage(EventId = 8031, Level = LogLevel.Debug, Message = "Service proxy: {Service} ({Frontend}) has no usable endpoint; connection reset")]
    public static partial void NoEndpoints(ILogger logger, ServicePortName service, Frontend frontend);

    [LoggerMessage(EventId = 8032, Level = LogLevel.Debug, Message = "Service proxy: {Service}: connecting to {Endpoint} failed ({Reason}); trying another endpoint")]
    public static partial void ConnectFailed(ILogger logger, ServicePortName service, string endpoint, string reason);

    [LoggerMessage(EventId = 8047, Level = LogLevel.Warning, Message = "Service proxy: cannot mark relayed connections ({Reason}); pods on other nodes see them come from this node, not from the client pod")]
    public static partial void MarkRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 8036, Level = LogLevel.Debug, Message = "Service proxy: {Service}: a NetworkPolicy denies {Client} → {Endpoint}; trying another endpoint")]
    public static partial void PolicyDenied(ILogger logger, ServicePortName service, string endpoint, string client);

    [LoggerMessage(EventId = 8034, Level = LogLevel.Debug, Message = "Service proxy: {Service}: {Endpoint} closed the connection without answering; replaying its first {Bytes} bytes on another endpoint")]
    public static partial void Replayed(ILogger logger, ServicePortName service, string endpoint, int bytes);

    [LoggerMessage(EventId = 8035, Level = LogLevel.Debug, Message = "Service proxy: {Frontend}: connection from {Client} reset ({Reason})")]
    public static partial void ConnectionAborted(ILogger logger, Frontend frontend, string client, string reason);

    [LoggerMessage(EventId = 8033, Level = LogLevel.Warning, Message = "Service proxy: {Frontend}: {Max} connections are open; connection reset")]
    public static partial void ConnectionLimit(ILogger logger, Frontend frontend, int max);

    [LoggerMessage(EventId = 8040, Level = LogLevel.Debug, Message = "Service proxy: UDP flow {Flow} opened")]
    public static partial void UdpFlowOpened(ILogger logger, string flow);

    [LoggerMessage(EventId = 8041, Level = LogLevel.Debug, Message = "Service proxy: {Service}: UDP endpoint {Endpoint} failed ({Reason}); its flow is closed and the client's next datagram goes elsewhere")]
    public static partial void UdpFlowFailed(ILogger logger, ServicePortName service, string endpoint, string reason);

    [LoggerMessage(EventId = 8042, Level = LogLevel.Warning, Message = "Service proxy: {Frontend}: {Max} UDP flows are open; datagrams of new flows are dropped")]
    public static partial void UdpFlowLimit(ILogger logger, Frontend frontend, int max);

    [LoggerMessage(EventId = 8043, Level = LogLevel.Debug, Message = "Service proxy: receiving on {Frontend} failed ({Reason})")]
    public static partial void UdpReceiveFailed(ILogger logger, Frontend frontend, string reason);

    [LoggerMessage(EventId = 8044, Level = LogLevel.Debug, Message = "Service proxy: closed {Count} UDP flows whose endpoint or Service port is gone")]
    public static partial void UdpFlowsCleared(ILogger logger, int count);

    [LoggerMessage(EventId = 8045, Level = LogLevel.Warning,
        Message = "Service proxy: --proxy-mode nftables is NOT in effect on node {Node}: it has no service table (only a node that runs real pods with the process runtime has one); the relay serves every Service")]
    public static partial void KernelModeWithoutTable(ILogger logger, string node);

    [LoggerMessage(EventId = 8046, Level = LogLevel.Warning,
        Message = "Service proxy: --proxy-mode nftables without br_netfilter (net.bridge.bridge-nf-call-iptables is not 1): a pod reaching another pod of this node through a cluster IP gets its answer from the pod's address and drops it; load br_netfilter and set the sysctl to 1, as kube-proxy requires")]
    public static partial void NoBridgeNetfilter(ILogger logger);
}
