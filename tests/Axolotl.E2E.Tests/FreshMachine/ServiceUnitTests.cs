using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.FreshMachine;

/// <summary>
/// `axolotl service install|uninstall`: the systemd unit that keeps a server running across crashes and
/// reboots (k3s's shape: Restart=always, KillMode=process so containers survive, started at boot). The
/// tests read the unit --dry-run prints and never touch this machine's systemd.
/// </summary>
public sealed class ServiceUnitTests
{
    [Fact]
    public async Task Install_dry_run_prints_a_unit_that_restarts_always_keeps_containers_and_runs_this_binary_with_the_flags()
    {
        var binary = await AxolotlServer.EnsureBuiltAsync();
        var result = await ProcessRunner.RunAsync(binary, ["service", "install", "--dry-run", "server", "--data-dir", "/var/lib/axolotl", "--port", "6443", "--tls-san", "a b%c"]);
        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n');
        Assert.Equal("# /etc/systemd/system/axolotl.service", lines[0]);
        Assert.Contains($"ExecStart={binary} server --data-dir /var/lib/axolotl --port 6443 --tls-san \"a b%%c\"", lines);
        foreach (var expected in new[] { "Restart=always", "KillMode=process", "Delegate=yes", "WantedBy=multi-user.target", "After=network-online.target", "Type=exec" })
        {
            Assert.Contains(expected, lines);
        }

        Assert.Equal(["systemctl daemon-reload", "systemctl enable --now axolotl"], lines[^3..^1]);
    }

    [Fact]
    public async Task Install_gives_a_server_without_data_dir_the_one_it_uses_now_and_names_an_agent_unit_axolotl_agent()
    {
        var binary = await AxolotlServer.EnsureBuiltAsync();
        var env = new Dictionary<string, string> { ["XDG_DATA_HOME"] = "/srv/state" };
        var server = await ProcessRunner.RunAsync(binary, ["service", "install", "--dry-run", "server"], env);
        Assert.Contains($"ExecStart={binary} server --data-dir /srv/state/axolotl\n", server.Stdout, StringComparison.Ordinal);

        var agent = await ProcessRunner.RunAsync(binary, ["service", "install", "--dry-run", "--unit-dir", "/run/units", "agent", "--server", "https://10.0.0.1:6443", "--token-file", "/etc/axolotl/token"]);
        Assert.Equal(0, agent.ExitCode);
        Assert.StartsWith("# /run/units/axolotl-agent.service\n", agent.Stdout, StringComparison.Ordinal);
        Assert.Contains($"ExecStart={binary} agent --server https://10.0.0.1:6443 --token-file /etc/axolotl/token\n", agent.Stdout, StringComparison.Ordinal);

        var uninstall = await ProcessRunner.RunAsync(binary, ["service", "uninstall", "--dry-run", "--name", "axolotl-agent"]);
        Assert.Equal("systemctl disable --now axolotl-agent\nrm /etc/systemd/system/axolotl-agent.service\nsystemctl daemon-reload\n", uninstall.Stdout);
    }

    [Fact]
    public async Task Install_refuses_a_flag_the_server_does_not_know_and_a_missing_role_before_writing_anything()
    {
        var binary = await AxolotlServer.EnsureBuiltAsync();
        var unitDir = Directory.CreateTempSubdirectory("axolotl-units-").FullName;
        try
        {
            var typo = await ProcessRunner.RunAsync(binary, ["service", "install", "--unit-dir", unitDir, "server", "--prot", "6443"]);
            Assert.Equal(2, typo.ExitCode);
            Assert.Contains("unknown flag: --prot", typo.Stderr, StringComparison.Ordinal);

            var noRole = await ProcessRunner.RunAsync(binary, ["service", "install", "--unit-dir", unitDir]);
            Assert.Equal(2, noRole.ExitCode);
            Assert.Contains("say which to run: server or agent", noRole.Stderr, StringComparison.Ordinal);

            var badName = await ProcessRunner.RunAsync(binary, ["service", "install", "--dry-run", "--name", "../etc/x", "server"]);
            Assert.Equal(2, badName.ExitCode);
            Assert.Contains("invalid --name \"../etc/x\"", badName.Stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(unitDir));
        }
        finally
        {
            Directory.Delete(unitDir, recursive: true);
        }
    }
}
