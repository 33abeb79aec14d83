namespace Axolotl.E2E.Tests.Harness.SharedServers;

/// <summary>Classes that run one after another on one <see cref="SharedServer"/> (balanced by the classes' run times: docs/adr/0031-shared-e2e-servers.md).</summary>
[CollectionDefinition(Name)]
public sealed class SharedServerGCollection : ICollectionFixture<SharedServer>
{
    public const string Name = "shared-server-g";
}
