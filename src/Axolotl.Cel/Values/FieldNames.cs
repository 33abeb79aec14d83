using System.Text.RegularExpressions;

namespace Axolotl.Cel.Values;

/// <summary>
/// Kubernetes' escaping of schema property names that are not CEL identifiers: <c>self.x__dash__y</c> reads the
/// property "x-y", <c>self.__namespace__</c> reads "namespace". Selection unescapes; indexing (<c>self['x-y']</c>) does not.
/// </summary>
internal static partial class FieldNames
{
    public static string Unescape(string field) =>
        field.Contains("__", StringComparison.Ordinal) ? Escaped().Replace(field, m => m.Groups[1].Value switch
        {
            "underscores" => "__",
            "dot" => ".",
            "dash" => "-",
            "slash" => "/",
            var keyword => keyword,
        }) : field;

    [GeneratedRegex("__(underscores|dot|dash|slash|true|false|null|in|as|break|const|continue|else|for|function|if|import|let|loop|package|namespace|return|var|void|while)__")]
    private static partial Regex Escaped();
}
