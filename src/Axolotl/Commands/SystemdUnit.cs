using System.Text;

namespace Axolotl.Commands;

/// <summary>
/// The systemd unit that keeps a server or agent running across crashes and reboots, shaped like
/// k3s's: restarted always, its containers left running when the service stops or restarts
/// (KillMode=process: they belong to the node, which re-adopts them), no task or file limits,
/// delegated cgroups, started once the network is up.
/// </summary>
public static class SystemdUnit
{
    public static string Render(string role, IReadOnlyList<string> commandLine) => $"""
        # Written by `axolotl service install`; removed by `axolotl service uninstall`.
        [Unit]
        Description=Axolotl {role}: a self-healing workload orchestrator that speaks the Kubernetes API
        Wants=network-online.target
        After=network-online.target

        [Service]
        Type=exec
        ExecStart={string.Join(' ', commandLine.Select(Quote))}
        # The node's containers outlive a restart of the service; the new process re-adopts them.
        KillMode=process
        Delegate=yes
        Restart=always
        RestartSec=5s
        TimeoutStartSec=0
        LimitNOFILE=1048576
        LimitNPROC=infinity
        LimitCORE=infinity
        TasksMax=infinity

        [Install]
        WantedBy=multi-user.target

        """;

    /// <summary>One word of ExecStart in systemd's syntax: double-quoted when needed, % and $ doubled (no specifier or variable expansion).</summary>
    public static string Quote(string word)
    {
        var escaped = new StringBuilder();
        foreach (var c in word)
        {
            escaped.Append(c switch
            {
                '%' => "%%",
                '$' => "$$",
                '\\' => "\\\\",
                '"' => "\\\"",
                _ => c.ToString(),
            });
        }

        var text = escaped.ToString();
        return text.Length == 0 || text.Any(c => char.IsWhiteSpace(c) || c is '\'' or ';') || word.Contains('"', StringComparison.Ordinal) || word.Contains('\\', StringComparison.Ordinal)
            ? "\"" + text + "\""
            : text;
    }
}
