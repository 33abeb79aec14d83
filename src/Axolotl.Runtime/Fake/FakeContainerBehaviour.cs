using Axolotl.Api.Meta;

namespace Axolotl.Runtime.Fake;

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
    string? Output = null)
{
    /// <summary>The container env var that makes a fake node's container exit after a duration (e.g. "250ms", "2s").</summary>
    public const string ExitAfterVariable = "AXOLOTL_FAKE_EXIT_AFTER";

    /// <summary>The exit code that goes with <see cref="ExitAfterVariable"/> (default 0).</summary>
    public const string ExitCodeVariable = "AXOLOTL_FAKE_EXIT_CODE";

    /// <summary>
    /// What a container on a fake node (`--runtime fake`) does, from its own env: with
    /// AXOLOTL_FAKE_EXIT_AFTER it ends by itself (so Jobs complete on fake nodes, as kwok's stages
    /// let pods finish), otherwise it runs until stopped. Unparseable values mean run until stopped.
    /// </summary>
    public static FakeContainerBehaviour? FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!environment.TryGetValue(ExitAfterVariable, out var after) || !TryParseDuration(after, out var delay))
        {
            return null;
        }
        var code = environment.TryGetValue(ExitCodeVariable, out var text) &&
            int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        return new FakeContainerBehaviour(ExitAfter: delay, ExitCode: code);
    }

    private static bool TryParseDuration(string text, out TimeSpan value) =>
        GoDuration.TryParseOrSeconds(text, out value) && value >= TimeSpan.Zero && value <= TimeSpan.FromDays(1000);
}
