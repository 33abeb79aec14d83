using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Errors;

/// <summary>A failed request, carrying the Kubernetes Status the client receives.</summary>
public sealed class ApiException(Status status) : Exception(status.Message)
{
    public Status Status { get; } = status;

    public int Code => Status.Code;

    /// <summary>Extra response headers, e.g. Retry-After.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
