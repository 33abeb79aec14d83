namespace Axolotl.E2E.Tests.Harness;

/// <summary>
/// `--runtime fake`: a server whose own node is fake and an agent process running three fake nodes
/// (`--fake-nodes 3`, as kwok does for scale tests), waited for until all four are Ready.
/// </summary>
public sealed class FourFakeNodes : IAsyncLifetime
{
    private BackgroundProcess? _agent;
    private readonly string _agentDataDir = Directory.CreateTempSubdirectory("axolotl-e2e-scheduling-").FullName;

    public AxolotlServer Server { get; private set; } = null!;

    /// <summary>The agent's nodes are this prefix followed by 0, 1 and 2.</summary>
    public string Prefix { get; } = $"fake{Environment.ProcessId % 1000}-";

    public Kubectl Kubectl => new(Server);

    public async Task InitializeAsync()
    {
        Server = await AxolotlServer.StartAsync(extraArgs: ["--runtime", "fake"]);
        var binary = new FileInfo($"/proc/{Server.Pid}/exe").LinkTarget ?? throw new InvalidOperationException("cannot resolve the server's executable");
        _agent = BackgroundProcess.Start(binary,
        [
            "agent", "--server", $"https://127.0.0.1:{Server.Port}", "--token-file", Path.Combine(Server.DataDir, "join-token"),
            "--runtime", "fake", "--fake-nodes", "3", "--node-name-prefix", Prefix, "--data-dir", _agentDataDir,
            "--airgap", "--resolv-conf", "",
        ], new Dictionary<string, string>());
        await _agent.WaitForStdoutAsync(s => s.Contains("3 fake nodes (", StringComparison.Ordinal), "the fake nodes joined", TimeSpan.FromSeconds(60));
        await Eventually.UntilAsync(() => Kubectl.RunAsync("get", "nodes", "--no-headers"),
            r => TableText.Lines(r.Stdout).Select(TableText.Cells).Count(row => row.Length > 1 && row[1] == "Ready") == 4, "four Ready nodes", TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            Directory.CreateDirectory(ServerFixture.LogDir);
            File.WriteAllText(Path.Combine(ServerFixture.LogDir, "FourFakeNodes-agent.log"), _agent.Stdout + _agent.Stderr);
            await _agent.DisposeAsync();
        }
        ServerFixture.SaveLog(nameof(FourFakeNodes), Server);
        await Server.DisposeAsync();
        Directory.Delete(_agentDataDir, recursive: true);
    }
}
