using System.Globalization;
using System.Text;

namespace Axolotl.Controllers.Jobs;

/// <summary>
/// A set of completion indexes in the compressed form of status.completedIndexes and
/// status.failedIndexes: ascending, comma-separated, consecutive runs as "first-last" ("1,3-5,7").
/// </summary>
public static class IndexSet
{
    /// <summary>The indexes below <paramref name="completions"/> in <paramref name="text"/>; malformed parts are skipped, as upstream does.</summary>
    public static SortedSet<int> Parse(string? text, int completions)
    {
        var set = new SortedSet<int>();
        if (string.IsNullOrEmpty(text))
        {
            return set;
        }
        foreach (var part in text.Split(','))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var single) && single < completions)
                {
                    set.Add(single);
                }
                continue;
            }
            if (int.TryParse(part.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var first) &&
                int.TryParse(part.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last))
            {
                for (var i = first; i <= last && i < completions; i++)
                {
                    set.Add(i);
                }
            }
        }
        return set;
    }

    public static string Format(IEnumerable<int> indexes)
    {
        var text = new StringBuilder();
        int? runStart = null, previous = null;
        foreach (var i in indexes.Distinct().Order())
        {
            if (previous is { } p && i == p + 1)
            {
                previous = i;
                continue;
            }
            Flush();
            runStart = i;
            previous = i;
        }
        Flush();
        return text.ToString();

        void Flush()
        {
            if (runStart is not { } start)
            {
                return;
            }
            if (text.Length > 0)
            {
                text.Append(',');
            }
            text.Append(start.ToString(CultureInfo.InvariantCulture));
            if (previous > start)
            {
                text.Append('-').Append(previous.Value.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
