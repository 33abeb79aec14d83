using System.Text;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;

namespace Axolotl.Agent.Volumes;

/// <summary>
/// A whole label or annotation map as a downwardAPI file holds it (upstream fieldpath.FormatMap), so
/// tools that parse the kubelet's files parse ours.
/// </summary>
internal static class FieldMapFormat
{
    /// <summary>Upstream fieldpath.FormatMap: sorted <c>key="value"</c> lines, values quoted as Go's %q.</summary>
    public static string Format(Dictionary<string, string>? map)
    {
        var sb = new StringBuilder();
        foreach (var key in (map?.Keys ?? Enumerable.Empty<string>()).Order(StringComparer.Ordinal))
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }
            sb.Append(key).Append('=');
            GoValue.AppendQuoted(sb, map![key]);
        }
        return sb.ToString();
    }
}
