using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scheduling;

/// <summary>A server on the fake runtime plus an agent running three fake nodes: four Ready nodes for scheduling tests.</summary>
public sealed class FourFakeNodes : IAsyncLifetime
{
    private BackgroundProcess? _agent;
    private readonly string _agentDataDir = Directory.CreateTempSubdirectory("axolotl-e2e-scheduling-").FullName;

    public AxolotlServer Server { get; private set; } = null!;

    public Kubectl Kubectl => new(Server);

    public async Task InitializeAsync()
    {
        Server = await AxolotlServer.StartAsync(extraArgs: ["--runtime", "fake"]);
        var binary = new FileInfo($"/proc/{Server.Pid}/exe").LinkTarget ?? throw new InvalidOperationException("cannot resolve the server's executable");
        _agent = BackgroundProcess.Start(binary,
        [
            "agent", "--server", $"https://127.0.0.1:{Server.Port}", "--token-file", Path.Combine(Server.DataDir, "join-token"),
            "--runtime", "fake", "--fake-nodes", "3", "--node-name-prefix", $"sched{Environment.ProcessId % 1000}-", "--data-dir", _agentDataDir,
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
            File.WriteAllText(Path.Combine(ServerFixture.LogDir, "PodPlacementTests-agent.log"), _agent.Stdout + _agent.Stderr);
            await _agent.DisposeAsync();
        }
        ServerFixture.SaveLog("PodPlacementTests", Server);
        await Server.DisposeAsync();
        Directory.Delete(_agentDataDir, recursive: true);
    }
}
