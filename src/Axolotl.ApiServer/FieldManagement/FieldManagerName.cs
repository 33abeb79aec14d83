using System.Globalization;
using System.Text;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Errors;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.FieldManagement;

/// <summary>
/// The fieldManager of a write: the query parameter, validated as upstream's Create/Update/PatchOptions are,
/// or else the User-Agent up to its first "/" (so kubectl without --field-manager is "kubectl").
/// </summary>
public static class FieldManagerName
{
    public const int MaxLength = 128;

    public static string Resolve(HttpRequest request, string optionsKind, bool apply)
    {
        ArgumentNullException.ThrowIfNull(request);
        var given = Query(request, "fieldManager") ?? "";
        var errors = new List<FieldError>();
        if (optionsKind == "PatchOptions")
        {
            if (!apply && Query(request, "force") is not null)
            {
                errors.Add(FieldError.Forbidden("force", "may not be specified for non-apply patch"));
            }
            if (apply && given.Length == 0)
            {
                // kubectl defaults it to "kubectl"; controllers must name themselves.
                errors.Add(FieldError.Required("fieldManager", "is required for apply patch"));
            }
        }
        if (Encoding.UTF8.GetByteCount(given) > MaxLength)
        {
            errors.Add(FieldError.TooLong("fieldManager", MaxLength));
        }
        var position = 0;
        foreach (var rune in given.EnumerateRunes())
        {
            if (!IsPrint(rune))
            {
                errors.Add(FieldError.Invalid("fieldManager", given,
                    string.Create(CultureInfo.InvariantCulture, $"invalid character U+{rune.Value:X4} (at position {position})")));
            }
            position += rune.Utf8SequenceLength;
        }
        if (errors.Count > 0)
        {
            var joined = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors) + "]";
            throw ApiErrors.Make(422, "Invalid", $"{optionsKind}.meta.k8s.io \"\" is invalid: {joined}", new StatusDetails
            {
                Group = "meta.k8s.io",
                Kind = optionsKind,
                Causes = [.. errors.Select(e => new StatusCause { Type = e.Reason, Message = e.Message, Field = e.Field })],
            });
        }
        return given.Length > 0 ? given : FromUserAgent(request.Headers.UserAgent.ToString());
    }

    internal static string? Query(HttpRequest request, string key) => request.Query.TryGetValue(key, out var v) ? v.ToString() : null;

    /// <summary>The User-Agent before its first "/", without unprintable characters, cut at 128 bytes.</summary>
    public static string FromUserAgent(string? userAgent)
    {
        var prefix = (userAgent ?? "").Split('/')[0];
        var result = new StringBuilder();
        var bytes = 0;
        foreach (var rune in prefix.EnumerateRunes())
        {
            if (!IsPrint(rune))
            {
                continue;
            }
            if (bytes + rune.Utf8SequenceLength > MaxLength)
            {
                break;
            }
            bytes += rune.Utf8SequenceLength;
            result.Append(rune.ToString());
        }
        return result.ToString();
    }

    // Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
    private static bool IsPrint(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or
            UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or
            UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };
}
