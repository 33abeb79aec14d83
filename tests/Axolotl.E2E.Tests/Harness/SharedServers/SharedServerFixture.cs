namespace Axolotl.E2E.Tests.Harness.SharedServers;

/// <summary>
/// The fixture of one test class on its collection's <see cref="SharedServer"/> (an xunit class fixture that xunit gives
/// the collection fixture): the same API as a <see cref="ServerFixture"/> of its own, names counted on the server's one
/// counter so they stay unique across the classes. When the class is done, the namespaces it made are deleted (without
/// waiting), so what it left running, a crash-looping pod or a node's worth of requests, does not go on into the next class.
/// </summary>
public sealed class SharedServerFixture(SharedServer shared) : ServerFixture
{
    private readonly List<string> _namespaces = [];

    public override Task InitializeAsync()
    {
        Borrow(shared);
        Server.Note("a test class starts (fixture " + UniqueName("class") + ")");
        return Task.CompletedTask;
    }

    private protected override void Created(string ns)
    {
        lock (_namespaces)
        {
            _namespaces.Add(ns);
        }
    }

    public override async Task DisposeAsync()
    {
        string[] namespaces;
        lock (_namespaces)
        {
            namespaces = [.. _namespaces];
        }
        Server.Note($"the test class is done; deleting its namespaces {string.Join(' ', namespaces)}");
        if (namespaces.Length > 0)
        {
            var deleted = await Kubectl.RunAsync(["delete", "namespace", .. namespaces, "--ignore-not-found", "--wait=false"]);
            if (deleted.ExitCode != 0)
            {
                Server.Note($"deleting them failed: {deleted}");
            }
        }
    }
}
