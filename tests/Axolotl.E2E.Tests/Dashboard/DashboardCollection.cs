namespace Axolotl.E2E.Tests.Dashboard;

/// <summary>
/// The dashboard tests run one after another: each starts a chromium, and two at once on a small
/// machine make every wait slower for nothing.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection
{
    public const string Name = "dashboard";
}
