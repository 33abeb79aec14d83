using System.Globalization;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Batch;

/// <summary>
/// A CronJob schedule as upstream reads it (robfig/cron v3's ParseStandard): five fields (minute,
/// hour, day of month, month, day of week; names jan-dec and sun-sat; lists, ranges, steps, * and
/// ?), the macros @yearly/@annually, @monthly, @weekly, @daily/@midnight, @hourly, and
/// <c>@every &lt;duration&gt;</c>, which that parser accepts too. Parse errors carry the parser's wording,
/// which upstream validation returns verbatim.
/// </summary>
public sealed class CronSchedule
{
    private static readonly (int Min, int Max, string[]? Names)[] Bounds =
    [
        (0, 59, null),
        (0, 23, null),
        (1, 31, null),
        (1, 12, ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
        (0, 6, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
    ];

    private const ulong StarBit = 1UL << 63;

    private readonly ulong[] _fields;
    private readonly TimeSpan? _every;

    private CronSchedule(ulong[] fields, TimeSpan? every)
    {
        _fields = fields;
        _every = every;
    }

    /// <summary>Parses <paramref name="spec"/>; false with the upstream error text when it is not a valid schedule.</summary>
    public static bool TryParse(string spec, out CronSchedule? schedule, out string error)
    {
        schedule = null;
        error = "";
        try
        {
            schedule = Parse(spec);
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    public static CronSchedule Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Length == 0)
        {
            throw new FormatException("empty spec string");
        }
        if (spec.StartsWith("TZ=", StringComparison.Ordinal) || spec.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            // robfig accepts a zone prefix; upstream validation refuses it separately, so skip it here.
            var space = spec.IndexOf(' ', StringComparison.Ordinal);
            spec = space < 0 ? "" : spec[(space + 1)..].Trim();
        }
        if (spec.StartsWith('@'))
        {
            return ParseDescriptor(spec);
        }
        var fields = spec.Split([' ', '\t', '\n', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            throw new FormatException($"expected exactly 5 fields, found {fields.Length}: [{string.Join(' ', fields)}]");
        }
        var bits = new ulong[5];
        for (var i = 0; i < 5; i++)
        {
            bits[i] = ParseField(fields[i], Bounds[i]);
        }
        return new CronSchedule(bits, null);
    }

    private static CronSchedule ParseDescriptor(string descriptor)
    {
        ulong All(int i) => Range(Bounds[i].Min, Bounds[i].Max, 1) | StarBit;
        ulong First(int i) => 1UL << Bounds[i].Min;
        switch (descriptor)
        {
            case "@yearly" or "@annually":
                return new CronSchedule([First(0), First(1), First(2), First(3), All(4)], null);
            case "@monthly":
                return new CronSchedule([First(0), First(1), First(2), All(3), All(4)], null);
            case "@weekly":
                return new CronSchedule([First(0), First(1), All(2), All(3), First(4)], null);
            case "@daily" or "@midnight":
                return new CronSchedule([First(0), First(1), All(2), All(3), All(4)], null);
            case "@hourly":
                return new CronSchedule([First(0), All(1), All(2), All(3), All(4)], null);
        }
        const string every = "@every ";
        if (descriptor.StartsWith(every, StringComparison.Ordinal))
        {
            var text = descriptor[every.Length..];
            if (!GoDuration.TryParse(text, out var duration, out var reason))
            {
                throw new FormatException($"failed to parse duration {descriptor}: {reason}");
            }
            return new CronSchedule([], duration);
        }
        throw new FormatException($"unrecognized descriptor: {descriptor}");
    }

    private static ulong ParseField(string field, (int Min, int Max, string[]? Names) bounds)
    {
        ulong bits = 0;
        foreach (var expr in field.Split(','))
        {
            bits |= ParseRange(expr, bounds);
        }
        return bits;
    }

    private static ulong ParseRange(string expr, (int Min, int Max, string[]? Names) bounds)
    {
        var rangeAndStep = expr.Split('/');
        var lowAndHigh = rangeAndStep[0].Split('-');
        var singleDigit = lowAndHigh.Length == 1;
        int start, end;
        ulong extra = 0;
        if (lowAndHigh[0] is "*" or "?")
        {
            start = bounds.Min;
            end = bounds.Max;
            extra = StarBit;
        }
        else
        {
            start = ParseIntOrName(lowAndHigh[0], bounds.Names);
            end = lowAndHigh.Length switch
            {
                1 => start,
                2 => ParseIntOrName(lowAndHigh[1], bounds.Names),
                _ => throw new FormatException($"too many hyphens: {expr}"),
            };
        }
        int step;
        switch (rangeAndStep.Length)
        {
            case 1:
                step = 1;
                break;
            case 2:
                step = MustParseInt(rangeAndStep[1]);
                // "N/step" means "N-max/step".
                if (singleDigit)
                {
                    end = bounds.Max;
                }
                if (step > 1)
                {
                    extra = 0;
                }
                break;
            default:
                throw new FormatException($"too many slashes: {expr}");
        }
        if (start < bounds.Min)
        {
            throw new FormatException($"beginning of range ({start}) below minimum ({bounds.Min}): {expr}");
        }
        if (end > bounds.Max)
        {
            throw new FormatException($"end of range ({end}) above maximum ({bounds.Max}): {expr}");
        }
        if (start > end)
        {
            throw new FormatException($"beginning of range ({start}) beyond end of range ({end}): {expr}");
        }
        if (step == 0)
        {
            throw new FormatException($"step of range should be a positive number: {expr}");
        }
        return Range(start, end, step) | extra;
    }

    private static int ParseIntOrName(string expr, string[]? names)
    {
        if (names is not null)
        {
            var index = Array.IndexOf(names, expr.ToLowerInvariant());
            if (index >= 0)
            {
                // Months are 1-based, weekdays 0-based.
                return names.Length == 12 ? index + 1 : index;
            }
        }
        return MustParseInt(expr);
    }

    private static int MustParseInt(string expr)
    {
        if (!int.TryParse(expr, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            var reason = expr.Length > 0 && expr.TrimStart('+', '-').All(char.IsAsciiDigit) && expr.TrimStart('+', '-').Length > 0 ? "value out of range" : "invalid syntax";
            throw new FormatException($"failed to parse int from {expr}: strconv.Atoi: parsing \"{expr}\": {reason}");
        }
        if (n < 0)
        {
            throw new FormatException($"negative number ({n}) not allowed: {expr}");
        }
        return n;
    }

    private static ulong Range(int min, int max, int step)
    {
        ulong bits = 0;
        for (var i = min; i <= max; i += step)
        {
            bits |= 1UL << i;
        }
        return bits;
    }

    /// <summary>
    /// The first scheduled time strictly after <paramref name="after"/>, reading the fields in
    /// <paramref name="zone"/>; null when none comes within five years (e.g. 30 February).
    /// </summary>
    public DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (_every is { } every)
        {
            var delay = every < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : every;
            var whole = after.AddTicks(-(after.Ticks % TimeSpan.TicksPerSecond));
            return whole + delay;
        }
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        // Start at the next whole minute.
        var t = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified).AddMinutes(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!Has(3, t.Month))
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
                continue;
            }
            if (!DayMatches(t))
            {
                t = t.Date.AddDays(1);
                continue;
            }
            if (!Has(1, t.Hour))
            {
                t = new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Unspecified).AddHours(1);
                continue;
            }
            if (!Has(0, t.Minute))
            {
                t = t.AddMinutes(1);
                continue;
            }
            if (zone.IsInvalidTime(t))
            {
                // A wall-clock time skipped by a DST change does not happen.
                t = t.AddMinutes(1);
                continue;
            }
            var offset = zone.GetUtcOffset(t);
            var result = new DateTimeOffset(t, offset);
            if (result > after)
            {
                return result;
            }
            t = t.AddMinutes(1);
        }
        return null;
    }

    private bool Has(int field, int value) => (_fields[field] & (1UL << value)) != 0;

    private bool DayMatches(DateTime t)
    {
        var dom = Has(2, t.Day);
        var dow = Has(4, (int)t.DayOfWeek);
        return (_fields[2] & StarBit) != 0 || (_fields[4] & StarBit) != 0 ? dom && dow : dom || dow;
    }
}
