namespace Axolotl.Bench.Scenarios;

/// <summary>Every scenario `bench/run` knows, in the order they run.</summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new StartToReadyScenario(),
        new ApiLatencyScenario(),
        new KubectlGetScenario(),
        new LoadedMemoryScenario(),
        new PodStartupScenario(),
        new RestartLatencyScenario(),
        new AgentRssScenario(),
        new ProbeKillRestartScenario(),
        new ReadinessToApiScenario(),
        new ProbeJitterScenario(),
        new PodReplacementScenario(),
        new RollingUpdateScenario(),
        new Traffic.ServiceLoadScenario(),
        new NodeFailoverScenario(),
        new Peers.PeersScenario(),
        new Scale.ScaleScenario(),
    ];
}
