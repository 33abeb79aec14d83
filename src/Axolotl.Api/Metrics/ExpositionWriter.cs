using System.Globalization;
using System.Text;

namespace Axolotl.Api.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format 0.0.4: one HELP and one TYPE line per family, then its
/// samples. Label values and help text are escaped here, so callers pass user strings (pod names,
/// reasons) as they are. A family name may be opened only once per scrape: two families of one name
/// would be duplicate series to Prometheus, so that is a bug and throws.
/// </summary>
public sealed class ExpositionWriter(TextWriter output)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly HashSet<string> _families = new(StringComparer.Ordinal);

    /// <summary>Samples written so far (for size accounting in tests and benches).</summary>
    public long Samples { get; private set; }

    public void Family(string name, string help, MetricType type)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"invalid metric name {name}", nameof(name));
        }
        if (!_families.Add(name))
        {
            throw new InvalidOperationException($"metric family {name} written twice in one scrape");
        }
        output.Write("# HELP ");
        output.Write(name);
        output.Write(' ');
        WriteEscaped(help, escapeQuote: false);
        output.Write('\n');
        output.Write("# TYPE ");
        output.Write(name);
        output.Write(' ');
        output.Write(type switch
        {
            MetricType.Counter => "counter",
            MetricType.Gauge => "gauge",
            MetricType.Histogram => "histogram",
            _ => "untyped",
        });
        output.Write('\n');
    }

    /// <summary>A sample with labels given as alternating name, value pairs.</summary>
    public void Sample(string name, double value, params ReadOnlySpan<string> labels)
    {
        output.Write(name);
        WriteLabels(labels, null, null);
        output.Write(' ');
        WriteValue(value);
        output.Write('\n');
        Samples++;
    }

    /// <summary>Samples already rendered by another writer (whole lines, each ending in a newline), written as they are.</summary>
    public void Raw(ReadOnlySpan<char> lines, int samples)
    {
        output.Write(lines);
        Samples += samples;
    }

    /// <summary>A sample whose labels are an already rendered <c>{…}</c> block (or empty) plus one extra label (histogram's le).</summary>
    public void SampleRendered(string name, string renderedLabels, string? extraName, string? extraValue, double value)
    {
        output.Write(name);
        if (extraName is null)
        {
            output.Write(renderedLabels);
        }
        else if (renderedLabels.Length == 0)
        {
            output.Write('{');
            output.Write(extraName);
            output.Write("=\"");
            WriteEscaped(extraValue!, escapeQuote: true);
            output.Write("\"}");
        }
        else
        {
            output.Write(renderedLabels.AsSpan(0, renderedLabels.Length - 1));
            output.Write(',');
            output.Write(extraName);
            output.Write("=\"");
            WriteEscaped(extraValue!, escapeQuote: true);
            output.Write("\"}");
        }
        output.Write(' ');
        WriteValue(value);
        output.Write('\n');
        Samples++;
    }

    private void WriteLabels(ReadOnlySpan<string> labels, string? extraName, string? extraValue)
    {
        if (labels.Length % 2 != 0)
        {
            throw new ArgumentException("labels come in name, value pairs", nameof(labels));
        }
        if (labels.Length == 0 && extraName is null)
        {
            return;
        }
        output.Write('{');
        for (var i = 0; i < labels.Length; i += 2)
        {
            if (i > 0)
            {
                output.Write(',');
            }
            output.Write(labels[i]);
            output.Write("=\"");
            WriteEscaped(labels[i + 1], escapeQuote: true);
            output.Write('"');
        }
        output.Write('}');
    }

    /// <summary>Renders a label block once, for series that are written on every scrape.</summary>
    public static string RenderLabels(IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        if (labels.Count == 0)
        {
            return "";
        }
        var sb = new StringBuilder("{");
        for (var i = 0; i < labels.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            sb.Append(SanitizeLabelName(labels[i].Key)).Append("=\"");
            AppendEscaped(sb, labels[i].Value, escapeQuote: true);
            sb.Append('"');
        }
        return sb.Append('}').ToString();
    }

    public static string FormatValue(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private void WriteValue(double value)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            output.Write(((long)value).ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            output.Write(FormatValue(value));
        }
    }

    private void WriteEscaped(string value, bool escapeQuote)
    {
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var replacement = c switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                '"' when escapeQuote => "\\\"",
                _ => null,
            };
            if (replacement is not null)
            {
                output.Write(value.AsSpan(start, i - start));
                output.Write(replacement);
                start = i + 1;
            }
        }
        output.Write(value.AsSpan(start));
    }

    private static void AppendEscaped(StringBuilder sb, string value, bool escapeQuote)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => sb.Append("\\\\"),
                '\n' => sb.Append("\\n"),
                '"' when escapeQuote => sb.Append("\\\""),
                _ => sb.Append(c),
            };
        }
    }

    /// <summary>Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*.</summary>
    public static bool IsValidName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or ':'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Label names: [a-zA-Z_][a-zA-Z0-9_]*; anything else becomes '_' as kube-state-metrics does for label keys.</summary>
    public static string SanitizeLabelName(string name)
    {
        if (name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            return name;
        }
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        var result = new string(chars);
        return result.Length == 0 || char.IsAsciiDigit(result[0]) ? "_" + result : result;
    }
}
