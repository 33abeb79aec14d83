using System.Runtime.CompilerServices;

namespace Axolotl.E2E.Tests.Harness;

/// <summary>
/// One axolotl server shared by every test of a class (xunit class fixture). Tests keep out of each
/// other's way by creating their own namespace (<see cref="NewNamespaceAsync"/>) or unique names.
/// A class on a server shared with other classes takes <see cref="SharedServerFixture"/> instead: the same API.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private AxolotlServer? _server;
    private Kubectl? _kubectl;

    /// <summary>Numbers names on this server: one counter per server, however many classes use it.</summary>
    private StrongBox<int> _counter = new();

    public AxolotlServer Server => _server ?? throw new InvalidOperationException("the fixture is not initialised");
    public Kubectl Kubectl => _kubectl ?? throw new InvalidOperationException("the fixture is not initialised");

    /// <summary>Where tests write manifests and scripts; removed with the data dir.</summary>
    public string WorkDir => Path.Combine(Server.DataDir, "work");

    /// <summary>Extra `axolotl server` flags for this fixture's server.</summary>
    protected virtual IReadOnlyList<string> ServerArgs => [];

    public virtual async Task InitializeAsync()
    {
        _server = await AxolotlServer.StartAsync(extraArgs: ServerArgs);
        _kubectl = new Kubectl(_server);
        Directory.CreateDirectory(WorkDir);
    }

    public virtual async Task DisposeAsync()
    {
        if (_server is not null)
        {
            SaveLog(GetType().Name, _server);
            await _server.DisposeAsync();
        }
    }

    /// <summary>Serves this fixture's tests from another fixture's running server (its names counted on the same counter).</summary>
    private protected void Borrow(ServerFixture owner)
    {
        _server = owner.Server;
        _kubectl = owner.Kubectl;
        _counter = owner._counter;
    }

    /// <summary>Where each fixture's server log is kept after its data dir is gone, for diagnosing failures.</summary>
    public static string LogDir { get; } = FreshLogDir();

    private static string FreshLogDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "axolotl-e2e-logs");
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
        return dir;
    }

    public static void SaveLog(string name, AxolotlServer server)
    {
        Directory.CreateDirectory(LogDir);
        File.WriteAllText(Path.Combine(LogDir, $"{name}-{server.Port}.log"), server.Log);
    }

    /// <summary>A name no other test on this server uses: lowercase, DNS-1123 safe.</summary>
    public string UniqueName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _counter.Value)}";

    /// <summary>Creates a fresh namespace through kubectl and returns its name.</summary>
    public async Task<string> NewNamespaceAsync(string prefix)
    {
        var name = UniqueName(prefix);
        Created(name);
        var output = await Kubectl.OkAsync("create", "namespace", name);
        Assert.Contains($"namespace/{name} created", output);
        return name;
    }

    /// <summary>Told of each namespace <see cref="NewNamespaceAsync"/> creates (before it exists, so a failed create is still cleaned up).</summary>
    private protected virtual void Created(string ns)
    {
    }

    /// <summary>Writes a file under <see cref="WorkDir"/> (unique name) and returns its full path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(WorkDir, $"{Interlocked.Increment(ref _counter.Value)}-{name}");
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Writes an executable shell script (e.g. an EDITOR) and returns its path.</summary>
    public string WriteScript(string name, string body)
    {
        var path = WriteFile(name, "#!/bin/sh\nset -e\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
