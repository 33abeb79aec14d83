using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// One benchmark scenario. It starts what it needs through the <see cref="BenchContext"/> (fresh
/// servers, kubectl), adds results to its report as each phase finishes (so a failure or a blown
/// budget keeps what was measured), and stops everything it started before returning.
/// To add one: implement this in a new file and list it in <see cref="ScenarioCatalog"/>.
/// </summary>
internal interface IScenario
{
    /// <summary>Short kebab-case id, used by `--only` and as the report heading.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>The longest this scenario may take in the given mode; it is cancelled after that.</summary>
    TimeSpan Budget(bool quick);

    /// <summary>The budget for this run's options; a scenario whose length is an option (the soak) overrides it.</summary>
    TimeSpan Budget(BenchOptions options) => Budget(options.Quick);

    Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct);
}
