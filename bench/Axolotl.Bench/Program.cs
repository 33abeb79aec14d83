using System.Diagnostics;
using System.Runtime.InteropServices;
using Axolotl.Bench;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios;

// Exit codes: 0 every scenario ran (targets may still be missed: see the report), 1 a scenario failed, 2 bad usage.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}\n\n{BenchOptions.Usage}");
    return 2;
}

var selected = ScenarioCatalog.All
    .Where(s => options.Only is null
        ? (options.Quick ? ScenarioCatalog.QuickSet.Contains(s.Name) : !ScenarioCatalog.OnlyOnRequest.Contains(s.Name))
        : options.Only.Contains(s.Name))
    .ToList();
if (options.ListOnly)
{
    foreach (var s in ScenarioCatalog.All)
    {
        var quickSet = ScenarioCatalog.QuickSet.Contains(s.Name) ? "*" : ScenarioCatalog.OnlyOnRequest.Contains(s.Name) ? "!" : " ";
        Console.WriteLine($"{s.Name,-20}{quickSet} {s.Budget(quick: true).TotalSeconds,4:F0} s quick, {s.Budget(quick: false).TotalSeconds,4:F0} s full  {s.Description}");
    }
    Console.WriteLine("* = in the --quick run (without --only); ! = only with --only");
    return 0;
}
var unknown = options.Only?.Except(ScenarioCatalog.All.Select(s => s.Name)).ToList();
if (unknown is { Count: > 0 })
{
    Console.Error.WriteLine($"error: no scenario named {string.Join(", ", unknown)} (see --list)");
    return 2;
}
if (!File.Exists(options.ServerBinary))
{
    Console.Error.WriteLine($"error: no server binary at {options.ServerBinary}");
    return 2;
}

// The whole run stays inside this, whatever the scenarios' own budgets add up to; scenarios named with --only
// (a long soak, a comparison on its own) get the sum of their own budgets when that is longer.
// The full run grew past its first 25 minutes: service-load and ingress-load at full size take about 15 of them, and
// on 2026-11-29 the run reached only its 21st of 31 scenarios (udp-load) in 1,490 s; the whole run then took 2,056 s.
// An hour holds it.
var overall = TimeSpan.FromSeconds(options.Quick ? 175 : 3600) * options.BudgetFactor;
if (options.Only is not null)
{
    var budgets = selected.Aggregate(TimeSpan.FromMinutes(1), (sum, s) => sum + s.Budget(options) * options.BudgetFactor);
    overall = budgets > overall ? budgets : overall;
}
using var cancel = new CancellationTokenSource(overall);
var context = new BenchContext(options);
var interrupted = false;
// Ctrl-C or SIGTERM cancels the run instead of killing it, so every scenario still stops its servers.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

var startedAt = DateTimeOffset.UtcNow;
var clock = Stopwatch.StartNew();
var machine = MachineInfo.Read(await KubectlRunner.ClientVersionAsync(options.KubectlBinary));
var build = await BuildDescription.ReadAsync(options.ServerBinary, options.RepoRoot, options.ServerEnvironment);
var loadBefore = ProcStatus.LoadAverage();
var busy = ProcStatus.LoadAverageOneMinute() > machine.Cores;
context.Log($"{(options.Quick ? "quick" : "full")} run of {selected.Count} scenarios on {machine.CpuModel}, {machine.Cores} cores, load average {loadBefore}; server {options.ServerBinary}");

var reports = new List<ScenarioReport>();
foreach (var scenario in selected)
{
    var report = new ScenarioReport(scenario.Name, scenario.Description);
    reports.Add(report);
    if (cancel.IsCancellationRequested)
    {
        report.Status = "skipped";
        report.Error = interrupted ? "interrupted" : $"the run's overall {overall.TotalSeconds:F0} s were used up";
        continue;
    }
    var budget = scenario.Budget(options) * options.BudgetFactor;
    using var scenarioCancel = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token);
    scenarioCancel.CancelAfter(budget);
    var started = Stopwatch.GetTimestamp();
    report.LoadAverageAtStart = ProcStatus.LoadAverage();
    context.Log($"{scenario.Name}: start (budget {budget.TotalSeconds:F0} s)");
    try
    {
        await scenario.RunAsync(context, report, scenarioCancel.Token);
    }
    catch (OperationCanceledException) when (scenarioCancel.IsCancellationRequested)
    {
        report.Status = "failed";
        report.Error = cancel.IsCancellationRequested
            ? (interrupted ? "interrupted" : $"the run's overall {overall.TotalSeconds:F0} s were used up (results so far are kept)")
            : $"exceeded its {budget.TotalSeconds:F0} s budget (results so far are kept)";
    }
    catch (Exception e)
    {
        report.Status = "failed";
        report.Error = $"{e.GetType().Name}: {e.Message}";
    }
    report.DurationSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
    context.Log($"{scenario.Name}: {report.Status} in {report.DurationSeconds:F1} s{(report.Error is null ? "" : ": " + report.Error)}");
}

var result = new BenchReport(machine, build, options.Quick ? "quick" : "full", options.Http2 ? "HTTP/2" : "HTTP/1.1",
    startedAt, clock.Elapsed.TotalSeconds, loadBefore, ProcStatus.LoadAverage(), busy, reports);
Console.WriteLine(MarkdownReport.Render(result));
if (interrupted)
{
    // A half run must not replace the last complete results.
    context.Log($"interrupted: {options.ResultsDirectory} left as it was");
}
else
{
    var (jsonPath, markdownPath) = ReportFiles.Write(options.ResultsDirectory, result);
    context.Log($"wrote {jsonPath} and {markdownPath}");
}
return reports.Any(r => r.Status != "ok") ? 1 : 0;

void Interrupt(PosixSignalContext signal)
{
    signal.Cancel = true;
    interrupted = true;
    context.Log($"{signal.Signal}: stopping");
    cancel.Cancel();
}
