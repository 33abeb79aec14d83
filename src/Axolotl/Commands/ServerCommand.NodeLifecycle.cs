using System.Globalization;
using Axolotl.Api.Meta;
using Axolotl.ApiServer.Admission;
using Axolotl.Controllers.NodeLifecycle;

namespace Axolotl.Commands;

/// <summary>The node-failure flags of `axolotl server`: how soon a silent node is Unknown and how long pods tolerate it.</summary>
public static partial class ServerCommand
{
    private const string NodeLifecycleUsage = """
          --node-monitor-grace-period D
                           how long a node may stop renewing its Lease before it is NotReady/Unknown (default: 40s)
          --default-not-ready-toleration-seconds N, --default-unreachable-toleration-seconds N
                           tolerationSeconds admission gives pods for not-ready/unreachable nodes (default: 300);
                           --default-toleration-seconds N sets both. Fast failover: --node-monitor-grace-period 10s
                           --default-toleration-seconds 5
        """;

    private static NodeLifecycleOptions NodeLifecycleOptionsFrom(CommandLine args)
    {
        var grace = args.Get("node-monitor-grace-period");
        return new NodeLifecycleOptions
        {
            NodeMonitorGracePeriod = grace is null ? TimeSpan.FromSeconds(40) : ParseDuration("node-monitor-grace-period", grace),
            // Look at every node well within the grace period, as upstream's 5 s period is within 40 s.
            NodeMonitorPeriod = grace is null ? TimeSpan.FromSeconds(5) : TimeSpan.FromTicks(Math.Clamp(ParseDuration("node-monitor-grace-period", grace).Ticks / 8, TimeSpan.TicksPerMillisecond * 200, TimeSpan.TicksPerSecond * 5)),
        };
    }

    private static DefaultTolerationSeconds DefaultTolerationsFrom(CommandLine args)
    {
        var both = Seconds(args, "default-toleration-seconds") ?? DefaultTolerationSeconds.DefaultSeconds;
        return new DefaultTolerationSeconds(
            Seconds(args, "default-not-ready-toleration-seconds") ?? both,
            Seconds(args, "default-unreachable-toleration-seconds") ?? both);
    }

    private static long? Seconds(CommandLine args, string name) => args.Get(name) switch
    {
        null => null,
        var text when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) => value,
        var text => throw new ArgumentException($"invalid --{name} \"{text}\": want a number of seconds"),
    };

    private static TimeSpan ParseDuration(string name, string text) =>
        GoDuration.TryParseOrSeconds(text, out var value) && value > TimeSpan.Zero
            ? value
            : throw new ArgumentException($"invalid --{name} \"{text}\": want e.g. 500ms, 10s or 5m");
}
