using Axolotl.ApiServer.Errors;
using Axolotl.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Tests.Errors;

/// <summary>
/// Levels as kube-apiserver has them: a client's mistake is not the server's failure, a bug is, and a
/// request cut short by shutdown or a departed client is neither.
/// </summary>
public sealed class RequestFailuresTests
{
    private readonly CapturingLoggerProvider _logs = new();

    public static TheoryData<int, string> ClientErrors => new()
    {
        { 400, "BadRequest" }, { 403, "Forbidden" }, { 404, "NotFound" }, { 409, "Conflict" }, { 409, "AlreadyExists" },
        { 410, "Expired" }, { 422, "Invalid" }, { 429, "TooManyRequests" },
    };

    [Theory]
    [MemberData(nameof(ClientErrors))]
    public async Task A_client_error_is_answered_with_its_status_and_logged_at_debug_in_one_line_without_a_stack_trace(int code, string reason)
    {
        var ctx = Request("/api/v1/namespaces/default/pods/missing");

        await Failures().WriteAsync(ctx, ApiErrors.Make(code, reason, "pods \"missing\" not found"));

        Assert.Equal(code, ctx.Response.StatusCode);
        var entry = Assert.Single(_logs.Entries);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Null(entry.Exception);
        Assert.Contains("/api/v1/namespaces/default/pods/missing", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', entry.Message);
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_500_logged_at_error_with_its_stack_trace()
    {
        var ctx = Request("/api/v1/pods");
        var bug = Thrown(new InvalidOperationException("a bug"));

        await Failures().WriteAsync(ctx, bug);

        Assert.Equal(500, ctx.Response.StatusCode);
        var entry = Assert.Single(_logs.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Same(bug, entry.Exception);
    }

    [Fact]
    public async Task An_internal_error_status_a_handler_threw_is_logged_at_error()
    {
        var ctx = Request("/api/v1/pods");

        await Failures().WriteAsync(ctx, ApiErrors.Internal("encoding failed"));

        Assert.Equal(500, ctx.Response.StatusCode);
        Assert.Equal(LogLevel.Error, Assert.Single(_logs.Entries).Level);
    }

    [Fact]
    public async Task A_request_cancelled_by_shutdown_is_debug_and_gets_no_500()
    {
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();
        var ctx = Request("/api/v1/pods?watch=true");

        await new RequestFailures(LoggerFor(), stopping.Token).WriteAsync(ctx, new OperationCanceledException(stopping.Token));

        Assert.Equal(200, ctx.Response.StatusCode); // untouched: the stream just ends
        Assert.All(_logs.Entries, e => Assert.True(e.Level <= LogLevel.Debug, $"{e.Level}: {e.Message}"));
    }

    [Fact]
    public async Task A_request_whose_client_went_away_is_debug()
    {
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        var ctx = Request("/api/v1/pods?watch=true");
        ctx.RequestAborted = aborted.Token;

        await Failures().WriteAsync(ctx, new OperationCanceledException(aborted.Token));

        Assert.All(_logs.Entries, e => Assert.True(e.Level <= LogLevel.Debug, $"{e.Level}: {e.Message}"));
    }

    [Fact]
    public async Task A_request_body_the_client_reset_is_debug_and_gets_no_500()
    {
        var ctx = Request("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1");
        ctx.Request.Method = "PUT";
        ctx.Request.Body = new ResettingStream();

        var thrown = await Assert.ThrowsAsync<RequestBodyAbortedException>(() => Axolotl.ApiServer.Http.BodyReader.ReadObjectAsync(ctx));
        await Failures().WriteAsync(ctx, thrown);

        Assert.Equal(200, ctx.Response.StatusCode); // untouched: nobody is left to read a status
        Assert.All(_logs.Entries, e => Assert.True(e.Level <= LogLevel.Debug, $"{e.Level}: {e.Message}"));
    }

    /// <summary>What Kestrel's HTTP/2 request body does after the client's RST_STREAM.</summary>
    private sealed class ResettingStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(new IOException("The client reset the request stream."));
    }

    private RequestFailures Failures() => new(LoggerFor(), CancellationToken.None);

    private ILogger LoggerFor() => _logs.CreateLogger("Axolotl.ApiServer.ApiRouter");

    private static DefaultHttpContext Request(string pathAndQuery)
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = "GET";
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        ctx.Request.Path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        ctx.Request.QueryString = q < 0 ? QueryString.Empty : new QueryString(pathAndQuery[q..]);
        ctx.Response.Body = new MemoryStream();
        return ctx;
    }

    private static Exception Thrown(Exception e)
    {
        try
        {
            throw e;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }
}
