using System.Buffers.Text;
using System.Text.Json;

namespace Axolotl.Storage;

/// <summary>
/// The opaque continue token of a paged list: base64url of {"rev":N,"start":"key"}, where rev is the
/// revision the first page was read at and start is the last key already returned. Both stores use the
/// same format, so a token survives switching stores only in the sense that it is validated the same way.
/// </summary>
internal readonly record struct ContinueToken(long Revision, string LastKey)
{
    public string Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("rev", Revision);
            writer.WriteString("start", LastKey);
            writer.WriteEndObject();
        }

        return Base64Url.EncodeToString(buffer.ToArray());
    }

    /// <summary>Decodes a token and checks that it belongs to a list of <paramref name="prefix"/>.</summary>
    public static ContinueToken Decode(string token, string prefix)
    {
        byte[] json;
        try
        {
            json = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException ex)
        {
            throw new InvalidContinueTokenException("continue token is not valid base64url", ex);
        }

        long revision;
        string? start;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("rev", out var rev)
                || rev.ValueKind != JsonValueKind.Number
                || !rev.TryGetInt64(out revision)
                || !root.TryGetProperty("start", out var startElement)
                || startElement.ValueKind != JsonValueKind.String)
            {
                throw new InvalidContinueTokenException("continue token lacks rev or start");
            }

            start = startElement.GetString();
        }
        catch (JsonException ex)
        {
            throw new InvalidContinueTokenException("continue token is not valid JSON", ex);
        }

        if (revision <= 0)
        {
            throw new InvalidContinueTokenException("continue token has a non-positive revision");
        }

        // A token from another list must not let a client read outside the prefix it asked for.
        if (start is null || !start.StartsWith(prefix, StringComparison.Ordinal) || start.Length == prefix.Length)
        {
            throw new InvalidContinueTokenException("continue token does not belong to this list");
        }

        return new ContinueToken(revision, start);
    }
}
