namespace Axolotl.E2E.Tests.ClientPaths;

/// <summary>
/// The client path classes run one after another on one <see cref="ClientPathsFixture"/> (its server and its pod "box"):
/// none changes the pod, and a server and a pod start per class cost CPU the suite does not have.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClientPathsCollection : ICollectionFixture<ClientPathsFixture>
{
    public const string Name = "client-paths";
}
