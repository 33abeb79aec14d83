namespace Axolotl.Api.Metrics;

/// <summary>
/// Finds series that appear more than once in an exposition (promtool does not): the same name with
/// the same label set, whatever the labels' order. Used by tests and the metrics bench.
/// </summary>
public static class DuplicateSeries
{
    public static IReadOnlyList<string> Find(string exposition)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = new List<string>();
        foreach (var line in exposition.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var series = SeriesOf(line);
            if (!seen.Add(series))
            {
                duplicates.Add(series);
            }
        }
        return duplicates;
    }

    /// <summary>name{labels sorted}; label values may hold escaped quotes, spaces and commas.</summary>
    private static string SeriesOf(string line)
    {
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (brace < 0 || (space >= 0 && space < brace))
        {
            return line[..(space < 0 ? line.Length : space)];
        }
        var labels = new List<string>();
        var i = brace + 1;
        while (i < line.Length && line[i] != '}')
        {
            var start = i;
            i = line.IndexOf('"', i) + 1;
            while (i < line.Length && line[i] != '"')
            {
                i += line[i] == '\\' ? 2 : 1;
            }
            i++;
            labels.Add(line[start..i]);
            if (i < line.Length && line[i] == ',')
            {
                i++;
            }
        }
        labels.Sort(StringComparer.Ordinal);
        return line[..brace] + "{" + string.Join(',', labels) + "}";
    }
}
