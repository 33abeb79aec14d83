using Axolotl.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Errors;

/// <summary>
/// Turns what a request threw into the Status the client receives and decides how loudly to log it,
/// as kube-apiserver does: a client's mistake (any 4xx) is the client's to read, so Debug, one line;
/// an overloaded or unreachable store (503, 504) is Warning, one line; a bug (500 or anything
/// unexpected) is Error with its stack trace. A request cut short because the client left or the
/// server is stopping is not a failure of anything: Debug, and no 500 written into the stream.
/// </summary>
public sealed partial class RequestFailures(ILogger logger, CancellationToken serverStopping)
{
    public async Task WriteAsync(HttpContext ctx, Exception e)
    {
        var method = ctx.Request.Method;
        var path = ctx.Request.Path + ctx.Request.QueryString;
        switch (e)
        {
            case ApiException api:
                LogApiError(api, method, path);
                if (api.Headers is not null && !ctx.Response.HasStarted)
                {
                    foreach (var (key, value) in api.Headers)
                    {
                        ctx.Response.Headers[key] = value;
                    }
                }
                await Http.ResponseWriter.WriteStatusAsync(ctx, api.Status);
                break;
            case OperationCanceledException when ctx.RequestAborted.IsCancellationRequested:
            case RequestBodyAbortedException:
                LogClientGone(logger, method, path);
                break;
            case OperationCanceledException when serverStopping.IsCancellationRequested:
                LogEndedByShutdown(logger, method, path);
                break;
            case StoreUnavailableException unavailable:
                // etcd down, without quorum or too slow: the request may succeed later, so 503 rather than 500.
                // No Retry-After: client-go would then retry silently for ten seconds before saying anything.
                LogStoreUnavailable(logger, method, path, unavailable.Message);
                await Http.ResponseWriter.WriteStatusAsync(ctx, ApiErrors.Unavailable(unavailable.Message).Status);
                break;
            default:
                LogUnhandled(logger, e, method, path);
                await Http.ResponseWriter.WriteStatusAsync(ctx, ApiErrors.Internal(e.Message).Status);
                break;
        }
    }

    private void LogApiError(ApiException api, string method, string path)
    {
        if (api.Code < 500)
        {
            LogClientError(logger, method, path, api.Code, api.Status.Reason, api.Message);
        }
        else if (api.Code == 500)
        {
            LogInternal(logger, api, method, path);
        }
        else
        {
            LogUnavailable(logger, method, path, api.Code, api.Status.Reason, api.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path}: {Code} {Reason}: {Message}")]
    private static partial void LogClientError(ILogger logger, string method, string path, int code, string? reason, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path}: the client went away")]
    private static partial void LogClientGone(ILogger logger, string method, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path}: ended by server shutdown")]
    private static partial void LogEndedByShutdown(ILogger logger, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: {Code} {Reason}: {Message}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, int code, string? reason, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "store unavailable serving {Method} {Path}: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "internal error serving {Method} {Path}")]
    private static partial void LogInternal(ILogger logger, Exception e, string method, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "unhandled error serving {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception e, string method, string path);
}
