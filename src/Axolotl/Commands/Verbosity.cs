using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// klog's `--v=N` (also `-v N`) as Microsoft.Extensions.Logging levels. Kubernetes components log
/// steady-state facts at 0–1, more detail about changes at 2–3, debugging at 4–5 and every request at
/// 6 and above; MEL has three steps below Warning, so: 0–3 Information (2–3 also lets the embedded
/// web host's and HTTP client's own Information through), 4–5 Debug, 6+ Trace, which includes one
/// line per API request and the framework's per-request logs.
/// </summary>
public sealed record Verbosity(int Level)
{
    public static Verbosity Default { get; } = new(0);

    /// <summary>The value of --v; absent is 0.</summary>
    public static Verbosity Parse(string? text) =>
        text is null ? Default
        : int.TryParse(text, out var level) && level >= 0 ? new Verbosity(level)
        : throw new ArgumentException($"invalid --v \"{text}\": want a number from 0 (default) to 10");

    /// <summary>The least severe entry written from Axolotl's own categories.</summary>
    public LogLevel MinimumLevel => Level switch
    {
        >= 6 => LogLevel.Trace,
        >= 4 => LogLevel.Debug,
        _ => LogLevel.Information,
    };

    /// <summary>The least severe entry written from ASP.NET Core, Kestrel and the .NET runtime ("Microsoft", "System").</summary>
    public LogLevel FrameworkLevel => Level switch
    {
        >= 6 => LogLevel.Trace,
        >= 4 => LogLevel.Debug,
        >= 2 => LogLevel.Information,
        _ => LogLevel.Warning,
    };

    /// <summary>
    /// The least severe entry written from Kestrel's "BadRequests" category, whose Information entries say why Kestrel closed a
    /// client's connection (a response or request body below the minimum data rate): seen at every verbosity, since a node
    /// agent whose connection is closed loses every watch on it (a 1,000-node run lost them all at once, and nothing said why).
    /// </summary>
    public LogLevel ConnectionClosedLevel => FrameworkLevel < LogLevel.Information ? FrameworkLevel : LogLevel.Information;

    public const string ConnectionClosedCategory = "Microsoft.AspNetCore.Server.Kestrel.BadRequests";

    /// <summary>
    /// The least severe entry written from the framework's one-line-per-request categories (ASP.NET
    /// Core's request start/finish, HttpClient's request lines): an access log, so only at 6 and above.
    /// </summary>
    public LogLevel PerRequestLevel => Level >= 6 ? LogLevel.Trace : LogLevel.Warning;

    public static IReadOnlyList<string> PerRequestCategories { get; } =
        ["Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.Routing", "System.Net.Http.HttpClient"];
}
