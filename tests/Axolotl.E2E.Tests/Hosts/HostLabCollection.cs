namespace Axolotl.E2E.Tests.Hosts;

/// <summary>
/// Every test that starts a <see cref="HostLab"/> runs in this collection, one class at a time: labs share their names
/// (namespaces axlh2…, the bridge, the router's links), and a lab's start removes whatever a killed run left under them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostLabCollection
{
    public const string Name = "host-lab";
}
