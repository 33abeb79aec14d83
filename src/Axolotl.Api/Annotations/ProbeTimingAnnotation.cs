using Axolotl.Api.Meta;

namespace Axolotl.Api.Annotations;

/// <summary>
/// Sub-second probe timing, an Axolotl extension carried in pod annotations because the Kubernetes
/// probe fields are whole seconds. Keys: <c>probes.axolotl.io/&lt;kind&gt;</c> for every container and
/// <c>probes.axolotl.io/&lt;container&gt;.&lt;kind&gt;</c> for one (it wins), kind = liveness, readiness or
/// startup. Value: comma-separated <c>period=</c>, <c>timeout=</c>, <c>initialDelay=</c> with Go-style
/// durations ("250ms", "1.5s"). What is not given keeps the probe's own seconds.
/// </summary>
public sealed record ProbeTimingAnnotation(TimeSpan? Period, TimeSpan? Timeout, TimeSpan? InitialDelay)
{
    public const string Prefix = "probes.axolotl.io/";

    /// <summary>Below this a probe period would mostly measure the agent, not the application.</summary>
    public static readonly TimeSpan MinPeriod = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(20);

    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    public static readonly IReadOnlyList<string> Kinds = ["liveness", "readiness", "startup"];

    /// <summary>The annotation that applies to <paramref name="container"/>'s <paramref name="kind"/> probe, parsed; null when none (or invalid: validation rejects those at admission).</summary>
    public static ProbeTimingAnnotation? For(IReadOnlyDictionary<string, string>? annotations, string container, string kind)
    {
        if (annotations is null)
        {
            return null;
        }
        if (annotations.TryGetValue($"{Prefix}{container}.{kind}", out var own) && TryParse(own, out var parsed, out _))
        {
            return parsed;
        }
        return annotations.TryGetValue(Prefix + kind, out var shared) && TryParse(shared, out parsed, out _) ? parsed : null;
    }

    /// <summary>Whether <paramref name="key"/> is one of ours; <paramref name="kind"/> and <paramref name="container"/> (null for all) say which probes it targets.</summary>
    public static bool IsProbeTimingKey(string key, out string? container, out string kind)
    {
        container = null;
        kind = "";
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var name = key[Prefix.Length..];
        var dot = name.LastIndexOf('.');
        kind = dot < 0 ? name : name[(dot + 1)..];
        container = dot < 0 ? null : name[..dot];
        return true;
    }

    public static bool TryParse(string value, out ProbeTimingAnnotation? timing, out string error)
    {
        timing = null;
        TimeSpan? period = null, timeout = null, delay = null;
        foreach (var raw in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = raw.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"\"{raw}\" is not name=duration (names: period, timeout, initialDelay)";
                return false;
            }
            var name = raw[..eq].Trim();
            if (!TryParseDuration(raw[(eq + 1)..].Trim(), out var duration))
            {
                error = $"{name}: \"{raw[(eq + 1)..].Trim()}\" is not a duration such as 250ms or 1.5s";
                return false;
            }
            if (duration > MaxDuration)
            {
                error = $"{name}: must be at most 1h";
                return false;
            }
            switch (name)
            {
                case "period" when duration < MinPeriod:
                    error = $"period: must be at least {MinPeriod.TotalMilliseconds:0}ms";
                    return false;
                case "period":
                    period = duration;
                    break;
                case "timeout" when duration < MinTimeout:
                    error = $"timeout: must be at least {MinTimeout.TotalMilliseconds:0}ms";
                    return false;
                case "timeout":
                    timeout = duration;
                    break;
                case "initialDelay":
                    delay = duration;
                    break;
                default:
                    error = $"unknown setting \"{name}\" (known: period, timeout, initialDelay)";
                    return false;
            }
        }
        if (period is null && timeout is null && delay is null)
        {
            error = "no settings (expected e.g. period=250ms,timeout=100ms)";
            return false;
        }
        timing = new ProbeTimingAnnotation(period, timeout, delay);
        error = "";
        return true;
    }

    /// <summary>A non-negative Go duration ("250ms", "1.5s", "0s").</summary>
    private static bool TryParseDuration(string text, out TimeSpan duration) =>
        GoDuration.TryParse(text, out duration, out _) && duration >= TimeSpan.Zero;
}
