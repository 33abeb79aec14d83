using Microsoft.AspNetCore.Http;

namespace Axolotl.Agent.Server;

/// <summary>Boolean query parameters as Go's strconv.ParseBool reads them (the Python client sends "True").</summary>
internal static class QueryFlags
{
    /// <summary>False when absent or empty; null when the value is not a Go boolean.</summary>
    public static bool? Parse(IQueryCollection query, string key) =>
        query[key].ToString() switch
        {
            "" => false,
            "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
            "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
            _ => null,
        };
}
