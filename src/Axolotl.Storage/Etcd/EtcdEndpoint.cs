using Grpc.Net.Client;

namespace Axolotl.Storage.Etcd;

/// <summary>One member: its URL and the generated clients on its channel.</summary>
internal sealed class EtcdEndpoint(Uri endpoint, GrpcChannel channel)
{
    public Uri Endpoint { get; } = endpoint;

    public string Name { get; } = endpoint.ToString().TrimEnd('/');

    public GrpcChannel Channel { get; } = channel;

    public Etcdserverpb.KV.KVClient Kv { get; } = new(channel);

    public Etcdserverpb.Watch.WatchClient Watch { get; } = new(channel);

    public Etcdserverpb.Maintenance.MaintenanceClient Maintenance { get; } = new(channel);
}
