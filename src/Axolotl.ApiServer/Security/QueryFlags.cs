using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>The query flags authorization looks at.</summary>
internal static class QueryFlags
{
    /// <summary>watch=…, with Go's strconv.ParseBool spellings of true.</summary>
    public static bool IsWatch(IQueryCollection query) =>
        query.TryGetValue("watch", out var value) && value.ToString() is "1" or "t" or "T" or "true" or "TRUE" or "True";
}
