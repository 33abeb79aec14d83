using System.Net.Http;
using Axolotl.Api.Meta;

namespace Axolotl.Client.Tests;

public sealed class ApiFailuresTests
{
    [Theory]
    [InlineData(409, "Conflict", ApiFailureKind.Race)]
    [InlineData(409, "AlreadyExists", ApiFailureKind.Race)]
    [InlineData(404, "NotFound", ApiFailureKind.Race)]
    [InlineData(410, "Expired", ApiFailureKind.Race)]
    [InlineData(429, "TooManyRequests", ApiFailureKind.Race)]
    [InlineData(422, "Invalid", ApiFailureKind.Refused)]
    [InlineData(403, "Forbidden", ApiFailureKind.Refused)]
    [InlineData(500, "InternalError", ApiFailureKind.Refused)]
    public void A_status_from_the_server_is_a_race_or_a_refusal_never_a_bug(int code, string reason, ApiFailureKind kind) =>
        Assert.Equal(kind, ApiFailures.Classify(new KubeApiException(new Status { Code = code, Reason = reason, Message = reason })));

    [Fact]
    public void A_connection_refused_is_a_refusal_and_a_null_reference_is_unexpected()
    {
        Assert.Equal(ApiFailureKind.Refused, ApiFailures.Classify(new HttpRequestException("Connection refused")));
        Assert.Equal(ApiFailureKind.Unexpected, ApiFailures.Classify(new NullReferenceException()));
    }
}
