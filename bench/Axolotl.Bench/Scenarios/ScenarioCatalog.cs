namespace Axolotl.Bench.Scenarios;

/// <summary>Every scenario `bench/run` knows, in the order they run.</summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new StartToReadyScenario(),
        new ApiLatencyScenario(),
        new StoreLatencyScenario(),
        new HaFailoverScenario(),
        new AuthorizationLatencyScenario(),
        new CustomResources.CustomResourceLatencyScenario(),
        new HostileCorpusScenario(),
        new KubectlGetScenario(),
        new LoadedMemoryScenario(),
        new Memory.BurstMemoryScenario(),
        new PodStartupScenario(),
        new RestartLatencyScenario(),
        new AgentRssScenario(),
        new ProbeKillRestartScenario(),
        new ReadinessToApiScenario(),
        new ProbeJitterScenario(),
        new PodReplacementScenario(),
        new StatefulSetReplacementScenario(),
        new RollingUpdateScenario(),
        new Traffic.ServiceLoadScenario(),
        new Traffic.IngressLoadScenario(),
        new Traffic.UdpLoadScenario(),
        new NetworkPolicies.NetworkPolicyCostScenario(),
        NodeFailoverScenario.FastProfile(),
        new NodeJoin.NodeJoinScenario(),
        new Peers.PeersScenario(),
        new Images.ImagesScenario(),
        new Scale.ScaleScenario(),
        new Flood.ApiFloodScenario(),
        new Scale.SchedulingConstraintsScenario(),
        new Watch.WatchFanoutScenario(),
        new JobThroughputScenario(),
        new MetricsScrapeScenario(),
        NodeFailoverScenario.WithKubernetesDefaults(),
        new Dashboard.DashboardScenario(),
        new Soak.SoakScenario(),
    ];

    /// <summary>Scenarios that only run when named with --only (too long, or a comparison of their own, for every full run).</summary>
    public static IReadOnlySet<string> OnlyOnRequest { get; } = new HashSet<string>(StringComparer.Ordinal) { "node-failover-defaults", "dashboard", "memory-after-burst", "soak", "scheduling-constraints" };

    /// <summary>
    /// What `--quick` runs when no `--only` is given: the healing headline figures and the peers, small,
    /// so that the run stays under 3 minutes. The full run has every scenario at full size.
    /// </summary>
    public static IReadOnlySet<string> QuickSet { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "restart-latency", "probe-kill-restart", "pod-replacement", "service-load", "peers",
    };
}
