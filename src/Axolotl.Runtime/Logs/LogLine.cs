using System.Globalization;

namespace Axolotl.Runtime.Logs;

/// <summary>
/// One stored log line. The stored form is CRI's: "&lt;RFC3339Nano&gt; &lt;stream&gt; &lt;F|P&gt; &lt;text&gt;", as
/// the native launcher writes it (Native/cri-log.c) and the node agent reads it back for kubectl logs.
/// Lines written straight by a process (no prefix, the shell chain) are accepted too and have no timestamp.
/// </summary>
public readonly record struct LogLine(DateTimeOffset? Timestamp, string Stream, bool Partial, string Text)
{
    public static string Format(DateTimeOffset at, string stream, bool partial, string text) =>
        string.Concat(FormatTimestamp(at), " ", stream, partial ? " P " : " F ", text);

    /// <summary>RFC3339 with nanoseconds (.NET has 100 ns ticks, so the last two digits are 0), as CRI writes it.</summary>
    public static string FormatTimestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z";

    public static LogLine Parse(string line)
    {
        var firstSpace = line.IndexOf(' ', StringComparison.Ordinal);
        if (firstSpace > 0 && TryParseTimestamp(line.AsSpan(0, firstSpace), out var at))
        {
            var rest = line.AsSpan(firstSpace + 1);
            var secondSpace = rest.IndexOf(' ');
            if (secondSpace > 0 && rest[..secondSpace] is "stdout" or "stderr" && rest.Length >= secondSpace + 2)
            {
                var stream = rest[..secondSpace].ToString();
                var tagAndText = rest[(secondSpace + 1)..];
                var partial = tagAndText[0] == 'P';
                var text = tagAndText.Length > 2 ? tagAndText[2..].ToString() : "";
                return new LogLine(at, stream, partial, text);
            }
            return new LogLine(at, "stdout", false, rest.ToString());
        }
        return new LogLine(null, "stdout", false, line);
    }

    /// <summary>True for a stored CRI record: timestamp, stdout or stderr, F or P, each followed by a space.</summary>
    public static bool IsCriRecord(ReadOnlySpan<char> line)
    {
        var firstSpace = line.IndexOf(' ');
        if (firstSpace <= 0 || !TryParseTimestamp(line[..firstSpace], out _))
        {
            return false;
        }
        var rest = line[(firstSpace + 1)..];
        return (rest.StartsWith("stdout ") || rest.StartsWith("stderr ")) && rest.Length >= 9 && rest[7] is 'F' or 'P' && rest[8] == ' ';
    }

    private static bool TryParseTimestamp(ReadOnlySpan<char> text, out DateTimeOffset at)
    {
        at = default;
        if (text.Length < 20 || text[4] != '-' || text[10] != 'T')
        {
            return false;
        }
        // .NET parses at most 7 fractional digits; drop the nanosecond tail before parsing.
        var s = text.ToString();
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end]))
            {
                end++;
            }
            var digits = Math.Min(end - dot - 1, 7);
            s = string.Concat(s.AsSpan(0, dot + 1 + digits), s.AsSpan(end));
        }
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
    }
}
