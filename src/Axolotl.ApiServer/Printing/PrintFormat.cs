using System.Globalization;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>Formatting shared by several printers, following upstream's printers.go helpers.</summary>
internal static class PrintFormat
{
    public static string Name(JsonObject obj) => obj.Get("metadata", "name").Text();

    /// <summary>The AGE cell from metadata.creationTimestamp.</summary>
    public static string Age(JsonObject obj, DateTimeOffset now) =>
        HumanDuration.Since(obj.Get("metadata", "creationTimestamp").AsTime(), now);

    /// <summary>"a,b" names and "img-a,img-b" images of the containers in a pod spec.</summary>
    public static (string Names, string Images) ContainerCells(JsonNode? podSpec)
    {
        var containers = podSpec.Get("containers").Items();
        return (string.Join(",", containers.Select(c => c.Get("name").Text())),
            string.Join(",", containers.Select(c => c.Get("image").Text())));
    }

    /// <summary>labels.FormatLabels: "k=v,k2=v2" sorted by key, or "&lt;none&gt;".</summary>
    public static string Labels(JsonNode? map)
    {
        var pairs = map.Entries().OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + "=" + e.Value.Text()).ToList();
        return pairs.Count == 0 ? "<none>" : string.Join(",", pairs);
    }

    /// <summary>metav1.FormatLabelSelector: the selector string, "&lt;none&gt;" when it selects nothing or everything.</summary>
    public static string LabelSelector(JsonNode? selector)
    {
        var text = SelectorString(selector);
        return text switch
        {
            null => "<error>",
            "" => "<none>",
            _ => text,
        };
    }

    /// <summary>
    /// LabelSelectorAsSelector(...).String(): requirements sorted by key, "k=v", "k in (a,b)", "k notin (a)", "k", "!k".
    /// Null when the selector is invalid. A missing or empty selector prints as "".
    /// </summary>
    public static string? SelectorString(JsonNode? selector)
    {
        if (selector is not JsonObject)
        {
            return "";
        }
        var requirements = new List<(string Key, string Text)>();
        foreach (var (key, value) in selector.Get("matchLabels").Entries())
        {
            requirements.Add((key, key + "=" + value.Text()));
        }
        foreach (var expression in selector.Get("matchExpressions").Items())
        {
            var key = expression.Get("key").Text();
            var values = expression.Get("values").Items().Select(v => v.Text()).ToList();
            var op = expression.Get("operator").Text();
            string? text = op switch
            {
                "In" when values.Count > 0 => key + " in (" + JoinSorted(values) + ")",
                "NotIn" when values.Count > 0 => key + " notin (" + JoinSorted(values) + ")",
                "Exists" when values.Count == 0 => key,
                "DoesNotExist" when values.Count == 0 => "!" + key,
                _ => null,
            };
            if (text is null || key.Length == 0)
            {
                return null;
            }
            requirements.Add((key, text));
        }
        return string.Join(",", requirements.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }

    /// <summary>intstr.IntOrString.String(): the number or the string as written.</summary>
    public static string? IntOrString(JsonNode? node) => node.AsString();

    /// <summary>net.JoinHostPort: IPv6 literals get brackets.</summary>
    public static string HostPort(string host, long port) =>
        (host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host) + ":" + port.ToString(CultureInfo.InvariantCulture);

    /// <summary>"a,b,c + 2 more..." for lists upstream cuts at three entries, "&lt;unset&gt;" when empty.</summary>
    public static string ListWithMore(IReadOnlyList<string> list, bool more, int count, int max)
    {
        var joined = string.Join(",", list);
        if (more)
        {
            return joined + " + " + (count - max).ToString(CultureInfo.InvariantCulture) + " more...";
        }
        return joined.Length == 0 ? "<unset>" : joined;
    }

    private static string JoinSorted(IEnumerable<string> values) => string.Join(",", values.Order(StringComparer.Ordinal));
}
