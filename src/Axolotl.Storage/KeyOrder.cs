namespace Axolotl.Storage;

/// <summary>
/// Key ordering shared by every store: by Unicode code point, which is the order SQLite's BINARY
/// collation gives UTF-8 text. Plain ordinal comparison of UTF-16 differs above U+D7FF, so the
/// in-memory store would otherwise page differently from the SQLite store for such keys.
/// </summary>
internal sealed class KeyOrder : IComparer<string>
{
    public static readonly KeyOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a != b)
            {
                return Rank(a) - Rank(b);
            }
        }

        return x.Length - y.Length;
    }

    /// <summary>
    /// The smallest string greater than every key that starts with <paramref name="prefix"/>, or null
    /// when there is none (empty prefix, or one made only of U+10FFFF).
    /// </summary>
    public static string? PrefixEnd(string prefix)
    {
        var end = prefix;
        while (end.Length > 0)
        {
            var last = end[^1];
            if (char.IsLowSurrogate(last) && end.Length >= 2 && char.IsHighSurrogate(end[^2]))
            {
                var codePoint = char.ConvertToUtf32(end[^2], last);
                if (codePoint < 0x10FFFF)
                {
                    return string.Concat(end.AsSpan(0, end.Length - 2), char.ConvertFromUtf32(codePoint + 1));
                }

                end = end[..^2];
                continue;
            }

            if (last == '\uFFFF')
            {
                return string.Concat(end.AsSpan(0, end.Length - 1), char.ConvertFromUtf32(0x10000));
            }

            // Lone surrogates cannot be stored as UTF-8 text; step over the surrogate block like SQLite would.
            var next = last == '\uD7FF' ? '\uE000' : (char)(last + 1);
            return string.Concat(end.AsSpan(0, end.Length - 1), next.ToString());
        }

        return null;
    }

    // Surrogates (D800-DFFF) encode code points above FFFF, so they must rank above E000-FFFF.
    private static int Rank(char c) => c >= '\uD800' && c <= '\uDFFF' ? c + 0x2000 : c >= '\uE000' ? c - 0x800 : c;
}
