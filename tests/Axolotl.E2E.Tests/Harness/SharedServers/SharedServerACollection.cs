namespace Axolotl.E2E.Tests.Harness.SharedServers;

/// <summary>Classes that run one after another on one <see cref="SharedServer"/> (the split is balanced by run time: SharedServerCollections.md).</summary>
[CollectionDefinition(Name)]
public sealed class SharedServerACollection : ICollectionFixture<SharedServer>
{
    public const string Name = "shared-server-a";
}
