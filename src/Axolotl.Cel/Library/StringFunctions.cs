using System.Text;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Library;

/// <summary>
/// The standard string functions and the strings extension Kubernetes enables (charAt, indexOf, lastIndexOf, lowerAscii,
/// upperAscii, replace, split, substring, trim, join, strings.quote, format). Indexes count code points, not UTF-16 units.
/// </summary>
internal static class StringFunctions
{
    public static void Register(Dictionary<string, CelFunction> g, Dictionary<string, CelFunction> m)
    {
        g["size"] = (a, _) => a.Length == 1 ? Size(a[0]) : CelError.NoSuchOverload("size");
        m["size"] = (a, _) => a.Length == 1 ? Size(a[0]) : CelError.NoSuchOverload("size");
        m["contains"] = (a, _) => Str2(a, "contains", (x, y) => x.Contains(y, StringComparison.Ordinal));
        m["startsWith"] = (a, _) => Str2(a, "startsWith", (x, y) => x.StartsWith(y, StringComparison.Ordinal));
        m["endsWith"] = (a, _) => Str2(a, "endsWith", (x, y) => x.EndsWith(y, StringComparison.Ordinal));
        m["charAt"] = (a, _) => a is [string s, long i] ? CharAt(s, i) : CelError.NoSuchOverload("charAt");
        m["indexOf"] = (a, _) => a[0] is string ? IndexOf(a, last: false) : ListFunctions.IndexOf(a, last: false);
        m["lastIndexOf"] = (a, _) => a[0] is string ? IndexOf(a, last: true) : ListFunctions.IndexOf(a, last: true);
        m["lowerAscii"] = (a, _) => a is [string x] ? AsciiCase(x, upper: false) : CelError.NoSuchOverload("lowerAscii");
        m["upperAscii"] = (a, _) => a is [string x] ? AsciiCase(x, upper: true) : CelError.NoSuchOverload("upperAscii");
        m["replace"] = (a, _) => Replace(a);
        m["split"] = (a, _) => Split(a);
        m["substring"] = (a, _) => Substring(a);
        m["trim"] = (a, _) => a is [string x] ? x.Trim() : CelError.NoSuchOverload("trim");
        m["join"] = (a, _) => Join(a);
        g["strings.quote"] = (a, _) => a is [string x] ? Quote(x) : CelError.NoSuchOverload("strings.quote");
        m["format"] = (a, _) => a is [string f, IReadOnlyList<object> args] ? Format(f, args) : CelError.NoSuchOverload("format");
    }

    private static object Format(string format, IReadOnlyList<object> args)
    {
        try
        {
            return Formatting.FormatString.Apply(format, args, Formatting.FormatValues.Instance, out _);
        }
        catch (Formatting.FormatClauseException e)
        {
            return new CelError(e.Message);
        }
    }

    private static object Size(object v) => v switch
    {
        string s => (long)CountRunes(s),
        CelBytes b => (long)b.Data.Length,
        IReadOnlyList<object> l => (long)l.Count,
        CelMap m => (long)m.Count,
        _ => CelError.NoSuchOverload("size"),
    };

    private static object Str2(object[] a, string name, Func<string, string, bool> f)
    {
        if (a is not [string x, string y])
        {
            return CelError.NoSuchOverload(name);
        }

        return f(x, y);
    }

    internal static int CountRunes(string s)
    {
        var n = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            n++;
        }

        return n;
    }

    internal static Rune[] Runes(string s) => s.EnumerateRunes().ToArray();

    private static string Join(IEnumerable<Rune> runes)
    {
        var sb = new StringBuilder();
        foreach (var r in runes)
        {
            sb.Append(r.ToString());
        }

        return sb.ToString();
    }

    private static object CharAt(string s, long i)
    {
        var r = Runes(s);
        return i < 0 || i > r.Length ? new CelError($"index out of range: {i}") : i == r.Length ? "" : r[i].ToString();
    }

    private static object IndexOf(object[] a, bool last)
    {
        if (a is not [string s, string sub, ..] || a.Length > 3 || (a.Length == 3 && a[2] is not long))
        {
            return CelError.NoSuchOverload(last ? "lastIndexOf" : "indexOf");
        }

        var hay = Runes(s);
        var needle = Runes(sub);
        var start = a.Length == 3 ? (long)a[2] : last ? hay.Length : 0;
        if (start < 0 || start > hay.Length)
        {
            return new CelError($"index out of range: {start}");
        }

        bool At(long i) => i + needle.Length <= hay.Length && hay.AsSpan((int)i, needle.Length).SequenceEqual(needle);
        if (last)
        {
            for (var i = Math.Min(start, hay.Length - needle.Length); i >= 0; i--)
            {
                if (At(i))
                {
                    return i;
                }
            }
        }
        else
        {
            for (var i = start; i <= hay.Length - needle.Length; i++)
            {
                if (At(i))
                {
                    return i;
                }
            }
        }

        return -1L;
    }

    private static string AsciiCase(string s, bool upper)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = upper ? (chars[i] is >= 'a' and <= 'z' ? (char)(chars[i] - 32) : chars[i]) : char.IsAsciiLetterUpper(chars[i]) ? (char)(chars[i] + 32) : chars[i];
        }

        return new string(chars);
    }

    private static object Replace(object[] a)
    {
        if (a is not [string s, string from, string to, ..] || a.Length > 4 || (a.Length == 4 && a[3] is not long))
        {
            return CelError.NoSuchOverload("replace");
        }

        var n = a.Length == 4 ? (long)a[3] : -1;
        if (n < 0)
        {
            return from.Length == 0 ? string.Concat(Runes(s).SelectMany(r => new[] { to, r.ToString() })) + to : s.Replace(from, to, StringComparison.Ordinal);
        }

        var sb = new StringBuilder();
        var pos = 0;
        for (var done = 0L; done < n; done++)
        {
            var i = s.IndexOf(from, pos, StringComparison.Ordinal);
            if (i < 0 || from.Length == 0)
            {
                break;
            }

            sb.Append(s, pos, i - pos).Append(to);
            pos = i + from.Length;
        }

        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    private static object Split(object[] a)
    {
        if (a is not [string s, string sep, ..] || a.Length > 3 || (a.Length == 3 && a[2] is not long))
        {
            return CelError.NoSuchOverload("split");
        }

        var n = a.Length == 3 ? (long)a[2] : -1;
        if (n == 0)
        {
            return new List<object>();
        }

        if (sep.Length == 0)
        {
            var runes = Runes(s).Select(r => (object)r.ToString()).ToList();
            if (n > 0 && runes.Count > n)
            {
                var head = runes.Take((int)n - 1).ToList();
                head.Add(Join(Runes(s).Skip((int)n - 1)));
                return head;
            }

            return runes;
        }

        var parts = n > 0 ? s.Split(sep, (int)Math.Min(n, int.MaxValue)) : s.Split(sep);
        return parts.Cast<object>().ToList();
    }

    private static object Substring(object[] a)
    {
        if (a is not [string s, long start, ..] || a.Length > 3 || (a.Length == 3 && a[2] is not long))
        {
            return CelError.NoSuchOverload("substring");
        }

        var r = Runes(s);
        var end = a.Length == 3 ? (long)a[2] : r.Length;
        if (start < 0 || start > r.Length)
        {
            return new CelError($"index out of range: {start}");
        }

        if (end < 0 || end > r.Length)
        {
            return new CelError($"index out of range: {end}");
        }

        return end < start ? new CelError($"invalid substring range. start: {start}, end: {end}") : Join(r.Skip((int)start).Take((int)(end - start)));
    }

    private static object Join(object[] a)
    {
        if (a is not [IReadOnlyList<object> list, ..] || a.Length > 2 || (a.Length == 2 && a[1] is not string))
        {
            return CelError.NoSuchOverload("join");
        }

        if (list.Any(x => x is not string))
        {
            return CelError.NoSuchOverload("join");
        }

        return string.Join(a.Length == 2 ? (string)a[1] : "", list.Cast<string>());
    }

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '\a' => "\\a",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\v' => "\\v",
                '\\' => "\\\\",
                '"' => "\\\"",
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }
}
