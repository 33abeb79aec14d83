using System.Globalization;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;

namespace Axolotl.Agent.Eviction;

/// <summary>
/// Reads the kubelet's flags into an <see cref="EvictionConfig"/> with the kubelet's syntax and errors:
/// <c>--eviction-hard memory.available&lt;100Mi,nodefs.available&lt;10%</c> (a given list replaces the
/// defaults as a whole, as the kubelet's flag does), <c>--eviction-soft</c> with a
/// <c>--eviction-soft-grace-period memory.available=1m30s</c> for each signal,
/// <c>--eviction-minimum-reclaim memory.available=0Mi</c>, <c>--eviction-pressure-transition-period 5m</c>,
/// <c>--eviction-max-pod-grace-period 30</c> (seconds), <c>--system-reserved/--kube-reserved cpu=1,memory=1Gi</c>,
/// and Axolotl's <c>--eviction-monitoring-interval</c> (10 s by default, shorter for tests).
/// Errors are <see cref="FormatException"/>s naming the flag.
/// </summary>
public static class EvictionConfigParser
{
    public static readonly IReadOnlyList<string> FlagNames =
    [
        "eviction-hard", "eviction-soft", "eviction-soft-grace-period", "eviction-minimum-reclaim", "eviction-pressure-transition-period",
        "eviction-max-pod-grace-period", "eviction-monitoring-interval", "system-reserved", "kube-reserved",
    ];

    private static readonly HashSet<string> ReservableResources = new(StringComparer.Ordinal) { "cpu", "memory", "ephemeral-storage", "pid" };

    /// <param name="flag">The value of a flag by name, or null when it was not given.</param>
    public static EvictionConfig Parse(Func<string, string?> flag)
    {
        var hard = flag("eviction-hard") is { } hardText
            ? Guard("eviction-hard", hardText, () => ParseThresholds(ParseMap(hardText, '<')))
            : [.. EvictionConfig.DefaultHard];
        var soft = flag("eviction-soft") is { } softText ? Guard("eviction-soft", softText, () => ParseThresholds(ParseMap(softText, '<'))) : [];
        var graces = flag("eviction-soft-grace-period") is { } graceText
            ? Guard("eviction-soft-grace-period", graceText, () => ParseGracePeriods(ParseMap(graceText, '=')))
            : [];
        var reclaims = flag("eviction-minimum-reclaim") is { } reclaimText
            ? Guard("eviction-minimum-reclaim", reclaimText, () => ParseMinimumReclaims(ParseMap(reclaimText, '=')))
            : [];
        var thresholds = new List<Threshold>(hard);
        foreach (var threshold in soft)
        {
            if (!graces.TryGetValue(threshold.Signal, out var grace))
            {
                throw new FormatException($"invalid --eviction-soft: grace period must be specified for the soft eviction threshold {threshold.Signal}");
            }
            thresholds.Add(threshold with { GracePeriod = grace });
        }
        for (var i = 0; i < thresholds.Count; i++)
        {
            if (reclaims.TryGetValue(thresholds[i].Signal, out var reclaim))
            {
                thresholds[i] = thresholds[i] with { MinReclaim = reclaim };
            }
        }

        var defaults = EvictionConfig.Default;
        return new EvictionConfig
        {
            Thresholds = EvictionConfig.WithAllocatable(thresholds),
            PressureTransitionPeriod = flag("eviction-pressure-transition-period") is { } transition
                ? Guard("eviction-pressure-transition-period", transition, () => NonNegative(GoDuration.Parse(transition)))
                : defaults.PressureTransitionPeriod,
            MonitoringInterval = flag("eviction-monitoring-interval") is { } interval
                ? Guard("eviction-monitoring-interval", interval, () => Positive(GoDuration.Parse(interval)))
                : defaults.MonitoringInterval,
            MaxPodGracePeriod = flag("eviction-max-pod-grace-period") is { } maxGrace
                ? Guard("eviction-max-pod-grace-period", maxGrace, () => TimeSpan.FromSeconds(int.Parse(maxGrace, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)))
                : defaults.MaxPodGracePeriod,
            SystemReserved = flag("system-reserved") is { } system ? Guard("system-reserved", system, () => ParseReserved(system)) : defaults.SystemReserved,
            KubeReserved = flag("kube-reserved") is { } kube ? Guard("kube-reserved", kube, () => ParseReserved(kube)) : defaults.KubeReserved,
        };
    }

    private static T Guard<T>(string name, string text, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException e)
        {
            throw new FormatException($"invalid --{name} \"{text}\": {e.Message}", e);
        }
        catch (OverflowException e)
        {
            throw new FormatException($"invalid --{name} \"{text}\": {e.Message}", e);
        }
    }

    /// <summary>"a&lt;b,c&lt;d" or "a=b,c=d" in order; the kubelet's map flags.</summary>
    public static List<KeyValuePair<string, string>> ParseMap(string text, char separator)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var pair in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (pair.Length == 0)
            {
                continue;
            }
            var at = pair.IndexOf(separator, StringComparison.Ordinal);
            if (at < 0)
            {
                throw new FormatException($"malformed pair, expect string{separator}string");
            }
            result.Add(new(pair[..at].Trim(), pair[(at + 1)..].Trim()));
        }
        return result;
    }

    /// <summary>Upstream parseThresholdStatement for each pair; 0% and 100% mean "no threshold".</summary>
    public static List<Threshold> ParseThresholds(IEnumerable<KeyValuePair<string, string>> statements)
    {
        var result = new List<Threshold>();
        foreach (var (signal, value) in statements)
        {
            RequireSignal(signal);
            if (value.EndsWith('%'))
            {
                if (value is "0%" or "100%")
                {
                    continue;
                }
                var fraction = ParsePercentage(value);
                if (fraction < 0)
                {
                    throw new FormatException($"eviction percentage threshold {signal} must be >= 0%: {value}");
                }
                if (fraction > 1)
                {
                    throw new FormatException($"eviction percentage threshold {signal} must be <= 100%: {value}");
                }
                result.Add(new Threshold(signal, ThresholdValue.OfPercentage(fraction), TimeSpan.Zero));
                continue;
            }
            var quantity = ParseQuantity(value);
            if (quantity.Sign <= 0)
            {
                throw new FormatException($"eviction threshold {signal} must be positive: {quantity}");
            }
            result.Add(new Threshold(signal, ThresholdValue.Of(quantity), TimeSpan.Zero));
        }
        return result;
    }

    public static Dictionary<string, TimeSpan> ParseGracePeriods(IEnumerable<KeyValuePair<string, string>> statements)
    {
        var result = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var (signal, value) in statements)
        {
            RequireSignal(signal);
            var grace = GoDuration.Parse(value);
            if (grace < TimeSpan.Zero)
            {
                throw new FormatException($"invalid eviction grace period specified: {value}, must be a positive value");
            }
            result[signal] = grace;
        }
        return result;
    }

    public static Dictionary<string, ThresholdValue> ParseMinimumReclaims(IEnumerable<KeyValuePair<string, string>> statements)
    {
        var result = new Dictionary<string, ThresholdValue>(StringComparer.Ordinal);
        foreach (var (signal, value) in statements)
        {
            RequireSignal(signal);
            if (value.EndsWith('%'))
            {
                var fraction = ParsePercentage(value);
                if (fraction <= 0)
                {
                    throw new FormatException($"eviction percentage minimum reclaim {signal} must be positive: {value}");
                }
                result[signal] = ThresholdValue.OfPercentage(fraction);
                continue;
            }
            var quantity = ParseQuantity(value);
            if (quantity.Sign < 0)
            {
                throw new FormatException($"negative eviction minimum reclaim specified for {signal}");
            }
            result[signal] = ThresholdValue.Of(quantity);
        }
        return result;
    }

    /// <summary>--system-reserved / --kube-reserved: cpu, memory, ephemeral-storage and pid, as the kubelet accepts.</summary>
    public static Dictionary<string, Quantity> ParseReserved(string text)
    {
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var (name, value) in ParseMap(text, '='))
        {
            if (!ReservableResources.Contains(name))
            {
                throw new FormatException($"cannot reserve \"{name}\" resource");
            }
            var quantity = ParseQuantity(value);
            if (quantity.Sign < 0)
            {
                throw new FormatException($"resource quantity for \"{name}\" cannot be negative: {value}");
            }
            result[name] = quantity;
        }
        return result;
    }

    private static TimeSpan NonNegative(TimeSpan value) =>
        value >= TimeSpan.Zero ? value : throw new FormatException("must not be negative");

    private static TimeSpan Positive(TimeSpan value) =>
        value > TimeSpan.Zero ? value : throw new FormatException("must be positive");

    private static void RequireSignal(string signal)
    {
        if (!EvictionSignals.IsValid(signal))
        {
            throw new FormatException($"unsupported eviction signal {signal}");
        }
    }

    private static Quantity ParseQuantity(string text) =>
        Quantity.TryParse(text, out var quantity, out var error) ? quantity : throw new FormatException(error ?? Quantity.FormatWrongMessage);

    private static float ParsePercentage(string text) =>
        float.TryParse(text.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value / 100
            : throw new FormatException($"strconv.ParseFloat: parsing \"{text.TrimEnd('%')}\": invalid syntax");
}
