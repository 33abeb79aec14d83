using System.Globalization;
using Axolotl.Agent.Logs;
using Axolotl.Api.Meta;
using Microsoft.AspNetCore.Http;

namespace Axolotl.Agent.Server;

/// <summary>
/// GET /containerLogs/{ns}/{pod}/{container}: one container's log with the PodLogOptions query
/// (follow, previous, tailLines, sinceSeconds, sinceTime, timestamps, limitBytes) as plain text,
/// flushed line by line while following.
/// </summary>
internal sealed class ContainerLogsEndpoint(IKubeletBackend backend, TimeProvider time)
{
    public async Task HandleAsync(HttpContext ctx, string ns, string podName, string container)
    {
        if (!TryParseOptions(ctx.Request.Query, time, out var options, out var error))
        {
            await KubeletResponses.BadRequestAsync(ctx, error);
            return;
        }
        var pod = await backend.FindPodAsync(ns, podName, ctx.RequestAborted);
        if (pod is null)
        {
            await KubeletResponses.WriteAsync(ctx, 404, "NotFound", $"pod \"{ns}/{podName}\" not found");
            return;
        }
        if (!pod.Containers.Contains(container, StringComparer.Ordinal))
        {
            await KubeletResponses.BadRequestAsync(ctx, $"container {container} is not valid for pod {podName}");
            return;
        }

        ctx.Response.ContentType = "text/plain";
        try
        {
            await backend.Logs.CopyAsync(pod.Uid, podName, container, options, ctx.Response.Body,
                () => pod.Running(container) is not null, ctx.RequestAborted);
        }
        catch (LogNotFoundException e)
        {
            // Raised before the first byte is written, so the answer can still become a Status.
            await KubeletResponses.BadRequestAsync(ctx, e.Message);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // kubectl logs -f was interrupted.
        }
    }

    internal static bool TryParseOptions(IQueryCollection query, TimeProvider time, out LogReadOptions options, out string error)
    {
        options = new LogReadOptions();
        error = "";
        var follow = QueryValues.Bool(First(query, "follow"));
        var previous = QueryValues.Bool(First(query, "previous"));
        var timestamps = QueryValues.Bool(First(query, "timestamps"));
        if (!TryLong(query, "tailLines", out var tail, ref error) ||
            !TryLong(query, "limitBytes", out var limit, ref error) ||
            !TryLong(query, "sinceSeconds", out var sinceSeconds, ref error))
        {
            return false;
        }
        if (limit is < 1)
        {
            error = "limitBytes: Invalid value: must be greater than 0";
            return false;
        }
        if (sinceSeconds is < 1)
        {
            error = "sinceSeconds: Invalid value: must be greater than 0";
            return false;
        }
        DateTimeOffset? since = sinceSeconds is { } s ? time.GetUtcNow().AddSeconds(-s) : null;
        if (Value(query, "sinceTime") is { } sinceText)
        {
            if (sinceSeconds is not null)
            {
                error = "at most one of `sinceTime` or `sinceSeconds` may be specified";
                return false;
            }
            if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                error = $"sinceTime: Invalid value: \"{sinceText}\": must be an RFC3339 time";
                return false;
            }
            since = parsed;
        }
        options = new LogReadOptions
        {
            Follow = follow,
            Previous = previous,
            Timestamps = timestamps,
            TailLines = tail,
            LimitBytes = limit,
            SinceTime = since,
        };
        return true;
    }

    private static string? Value(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var v) && v.ToString() is { Length: > 0 } text ? text : null;

    // Booleans and integers as kube-apiserver converts PodLogOptions (QueryValues): a boolean is never
    // refused, a bad integer is Go's strconv.ParseInt error.
    private static string? First(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) && values.Count > 0 ? values[0] ?? "" : null;

    private static bool TryLong(IQueryCollection query, string key, out long? value, ref string error)
    {
        value = null;
        if (First(query, key) is not { } text)
        {
            return true;
        }
        if (QueryValues.TryParseInt64(text, out var parsed, out error))
        {
            value = parsed;
            return true;
        }
        return false;
    }
}
