namespace Axolotl.Api.AdmissionRegistration;

/// <summary>
/// A webhook url split the way Go's url.Parse splits it (scheme, user, host, path, query, fragment), so
/// validation can name the part that is not allowed with the text the user wrote. .NET's Uri would
/// normalise or drop some of these parts.
/// </summary>
public sealed record WebhookUrl(string Scheme, string? User, string Host, string Path, string Query, string Fragment)
{
    public static bool TryParse(string text, out WebhookUrl url, out string problem)
    {
        url = new WebhookUrl("", null, "", "", "", "");
        problem = "";
        var rest = text;
        var fragment = "";
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            fragment = rest[(hash + 1)..];
            rest = rest[..hash];
        }
        var query = "";
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            query = rest[(question + 1)..];
            rest = rest[..question];
        }
        var scheme = "";
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && rest[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') && char.IsAsciiLetter(rest[0]))
        {
            scheme = rest[..colon].ToLowerInvariant();
            rest = rest[(colon + 1)..];
        }
        else if (colon == 0)
        {
            problem = $"parse \"{text}\": missing protocol scheme";
            return false;
        }
        string? user = null;
        var host = "";
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            rest = rest[2..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var authority = slash < 0 ? rest : rest[..slash];
            rest = slash < 0 ? "" : rest[slash..];
            var at = authority.LastIndexOf('@');
            if (at >= 0)
            {
                user = authority[..at];
                authority = authority[(at + 1)..];
            }
            host = authority;
        }
        url = new WebhookUrl(scheme, user, host, rest, query, fragment);
        return true;
    }
}
