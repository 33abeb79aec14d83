using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Rest;

/// <summary>Sends collected warnings as `Warning: 299 - "…"` headers, which kubectl prints as `Warning: …`.</summary>
public static class WarningHeaders
{
    public static void Add(RequestScope scope)
    {
        if (scope.Warnings.Count == 0 || scope.Http.Response.HasStarted)
        {
            return;
        }
        foreach (var warning in scope.Warnings.Distinct())
        {
            scope.Http.Response.Headers.Append("Warning", $"299 - \"{warning.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }
        scope.Warnings.Clear();
    }
}
