using System.Globalization;
using Axolotl.Agent;
using Axolotl.Agent.Images;
using Axolotl.Agent.Restart;
using Axolotl.Agent.Runtime;
using Axolotl.Client;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// The node agent that `axolotl server` runs for its own machine: the process runtime chosen by
/// probing the host, the image catalog, and the agent itself, which reaches the API over loopback
/// like any remote agent. Each node gets its own cgroup root so several agents can share a machine.
/// </summary>
public static class LocalAgent
{
    public static async Task<NodeAgent> StartAsync(CommandLine args, string dataDir, KubeClient client, ILoggerFactory logging, TimeProvider clock, CancellationToken ct)
    {
        var defaults = new AgentOptions();
        var options = defaults with
        {
            NodeName = args.Get("node-name") ?? defaults.NodeName,
            DataDir = Path.Combine(dataDir, "agent"),
            PodCidr = args.Get("pod-cidr") ?? defaults.PodCidr,
            KubeletPort = args.GetInt("kubelet-port", defaults.KubeletPort),
        };
        var runtime = RuntimeProbe.Create(new ProcessRuntimeOptions
        {
            CgroupRoot = $"axolotl-{options.NodeName}",
            BridgeName = args.Get("bridge") ?? "axl0",
            PodCidr = options.PodCidr,
            StateDirectory = Path.Combine(dataDir, "runtime"),
            TimeProvider = clock,
        });
        var catalog = new ImageCatalog(new ImageCatalogOptions { BaseDirectory = AppContext.BaseDirectory });
        var backoff = new RestartBackoffOptions
        {
            Initial = Duration(args.Get("restart-backoff"), TimeSpan.FromSeconds(10)),
            Max = Duration(args.Get("restart-backoff-max"), TimeSpan.FromSeconds(300)),
        };
        backoff.Validate();
        return await NodeAgent.StartAsync(client, options, runtime, catalog, backoff, logging, clock, ct);
    }

    /// <summary>Go-style durations: "500ms", "10s", "5m".</summary>
    private static TimeSpan Duration(string? text, TimeSpan fallback)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? TimeSpan.FromSeconds(value * unit)
            : throw new ArgumentException($"invalid duration \"{text}\": want e.g. 500ms, 10s or 5m");
    }
}
