namespace Axolotl.ApiServer.Aggregation;

/// <summary>What the router needs to send a group/version to its aggregated API server: the APIServices and the proxy.</summary>
public sealed record AggregationRoutes(ApiServiceCache ApiServices, AggregatorProxy Proxy);
