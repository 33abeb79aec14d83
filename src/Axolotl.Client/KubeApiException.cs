using System.Net;
using Axolotl.Api.Meta;

namespace Axolotl.Client;

/// <summary>A non-2xx answer from the API server, carrying the meta/v1 Status it sent (or one built from the HTTP status).</summary>
public sealed class KubeApiException : Exception
{
    public KubeApiException(Status status)
        : base(string.IsNullOrEmpty(status.Message) ? $"the server answered {status.Code} {status.Reason}" : status.Message)
    {
        Status = status;
    }

    public KubeApiException(Status status, Exception inner)
        : base(status.Message, inner)
    {
        Status = status;
    }

    public Status Status { get; }

    public int Code => Status.Code;

    public string? Reason => Status.Reason;

    public bool IsNotFound => Code == (int)HttpStatusCode.NotFound;

    /// <summary>409 with reason Conflict: a resourceVersion or UID precondition failed.</summary>
    public bool IsConflict => Code == (int)HttpStatusCode.Conflict && Reason != "AlreadyExists";

    public bool IsAlreadyExists => Code == (int)HttpStatusCode.Conflict && Reason == "AlreadyExists";

    /// <summary>410: the resourceVersion is too old (compacted); list again.</summary>
    public bool IsGone => Code == (int)HttpStatusCode.Gone || Reason is "Expired" or "Gone";

    public bool IsInvalid => Code == (int)HttpStatusCode.UnprocessableEntity;

    /// <summary>The reason upstream uses for each HTTP status when the body carries no Status.</summary>
    public static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Gone",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "Unknown",
    };
}
