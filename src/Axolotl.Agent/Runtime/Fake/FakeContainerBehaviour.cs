namespace Axolotl.Agent.Runtime.Fake;

/// <summary>
/// How a fake container behaves: exit on its own after <see cref="ExitAfter"/> (on the runtime's
/// clock) with <see cref="ExitCode"/>; <see cref="OomKilled"/> marks that exit as an OOM kill;
/// <see cref="IgnoresSigterm"/> makes StopAsync wait out the grace period and kill (137).
/// </summary>
public sealed record FakeContainerBehaviour(
    TimeSpan? ExitAfter = null,
    int ExitCode = 0,
    bool OomKilled = false,
    bool IgnoresSigterm = false,
    string? Output = null);
