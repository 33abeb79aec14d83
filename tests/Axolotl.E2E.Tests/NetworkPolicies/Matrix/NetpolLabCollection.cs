namespace Axolotl.E2E.Tests.NetworkPolicies.Matrix;

/// <summary>The matrix and the policy-under-traffic tests share one two-host lab (starting one costs most of a test's time).</summary>
[CollectionDefinition(Name)]
public sealed class NetpolLabCollection : ICollectionFixture<NetpolLab>
{
    public const string Name = "netpol-lab";
}
