using Axolotl.ApiServer.Errors;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.FieldManagement;

/// <summary>The force query parameter of an apply, spelled as Go's strconv.ParseBool accepts it.</summary>
public static class ForceParameter
{
    public static bool Parse(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return FieldManagerName.Query(request, "force") switch
        {
            null or "" => false,
            "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
            "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
            var other => throw ApiErrors.BadRequest($"strconv.ParseBool: parsing \"{other}\": invalid syntax"),
        };
    }
}
