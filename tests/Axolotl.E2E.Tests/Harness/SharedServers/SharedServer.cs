using Axolotl.E2E.Tests.Services;

namespace Axolotl.E2E.Tests.Harness.SharedServers;

/// <summary>
/// One plain axolotl server for a whole xunit collection (a collection fixture): the classes of the collection run one
/// after another on it, each through its own <see cref="SharedServerFixture"/>. Starting a server costs seconds of CPU
/// (and an idle one keeps costing), and the end-to-end suite is CPU-bound: most classes need nothing but a plain server
/// and their own namespaces. Its log is saved as SharedServer-PORT.log, with a line where each class starts and ends.
/// A <see cref="ServiceServerFixture"/>, so the service tests can share too: what its proxy leaves on the host goes with it.
/// </summary>
public sealed class SharedServer : ServiceServerFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Server.Note("a shared server: the classes of one collection run on it one after another");
    }
}
