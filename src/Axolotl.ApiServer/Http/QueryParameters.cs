using Axolotl.Api.Meta;
using Axolotl.ApiServer.Errors;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Http;

/// <summary>
/// Typed query parameters for every handler: booleans and integers read the one way
/// <see cref="QueryValues"/> defines (kube-apiserver's), a bad integer is upstream's 400 BadRequest.
/// </summary>
public static class QueryParameters
{
    /// <summary>The first value of a parameter, as upstream's conversion uses; null when absent.</summary>
    public static string? First(this IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) && values.Count > 0 ? values[0] ?? "" : null;

    public static bool Bool(this IQueryCollection query, string key) => QueryValues.Bool(query.First(key));

    public static bool? OptionalBool(this IQueryCollection query, string key) => QueryValues.OptionalBool(query.First(key));

    /// <summary>An int64 parameter, null when absent; 400 BadRequest with Go's message when it is not one.</summary>
    public static long? Int64(this IQueryCollection query, string key) =>
        query.First(key) is not { } text ? null
        : QueryValues.TryParseInt64(text, out var value, out var error) ? value
        : throw ApiErrors.BadRequest(error);
}
