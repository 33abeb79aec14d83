namespace Axolotl.ApiServer.Http;

/// <summary>
/// A YAML body must be UTF-8, as go-yaml's reader demands before it parses: a bad octet is refused with
/// go-yaml's words instead of being turned into U+FFFD and stored. (A JSON body is not checked: Go's JSON
/// decoder replaces bad octets, and kube-apiserver with it.)
/// </summary>
public static class YamlUtf8
{
    /// <summary>go-yaml's complaint about the first malformed sequence, or null when the bytes are UTF-8.</summary>
    public static string? Problem(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            var octet = bytes[i];
            var width = octet switch
            {
                < 0x80 => 1,
                _ when (octet & 0xE0) == 0xC0 => 2,
                _ when (octet & 0xF0) == 0xE0 => 3,
                _ when (octet & 0xF8) == 0xF0 => 4,
                _ => 0,
            };
            if (width == 0)
            {
                return "invalid leading UTF-8 octet";
            }
            if (i + width > bytes.Length)
            {
                return "incomplete UTF-8 octet sequence";
            }
            var value = width switch { 1 => octet & 0x7F, 2 => octet & 0x1F, 3 => octet & 0x0F, _ => octet & 0x07 };
            for (var k = 1; k < width; k++)
            {
                var trailing = bytes[i + k];
                if ((trailing & 0xC0) != 0x80)
                {
                    return "invalid trailing UTF-8 octet";
                }
                value = (value << 6) | (trailing & 0x3F);
            }
            var shortest = value < 0x80 ? 1 : value < 0x800 ? 2 : value < 0x10000 ? 3 : 4;
            if (shortest != width)
            {
                return "invalid length of a UTF-8 sequence";
            }
            if (value is >= 0xD800 and <= 0xDFFF or > 0x10FFFF)
            {
                return "invalid Unicode character";
            }
            i += width;
        }
        return null;
    }
}
