using System.Globalization;

namespace Axolotl.Bench.Measurement;

/// <summary>
/// The samples of one metric in a Prometheus text exposition (`name{label="value",…} number`): enough of the format
/// for the server's own /metrics, whose label values hold no escaped quotes.
/// </summary>
internal static class PrometheusText
{
    public static IEnumerable<(Dictionary<string, string> Labels, double Value)> Samples(string text, string metric)
    {
        var prefix = metric + "{";
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal) || line.LastIndexOf('}') is var end && end < 0)
            {
                continue;
            }
            if (double.TryParse(line[(end + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                yield return (Labels(line[prefix.Length..end]), value);
            }
        }
    }

    private static Dictionary<string, string> Labels(string text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < text.Length)
        {
            var eq = text.IndexOf('=', i);
            var close = eq < 0 ? -1 : text.IndexOf('"', eq + 2);
            if (eq < 0 || close < 0)
            {
                break;
            }
            labels[text[i..eq].Trim(',', ' ')] = text[(eq + 2)..close];
            i = close + 1;
        }
        return labels;
    }
}
