using System.Net;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Tests.Rest;

namespace Axolotl.ApiServer.Tests.Http;

/// <summary>
/// Request lines and headers up to kube-apiserver's 1 MiB are served over HTTP/1.1 and HTTP/2 (a label
/// selector of many kilobytes is a normal request); beyond, the answer is a Status with 414 or 431,
/// never a bare 414 or a reset stream.
/// </summary>
public sealed class RequestSizeLimitTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    public static TheoryData<string> Versions => new() { "1.1", "2.0" };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_label_selector_of_many_kilobytes_is_served(string version)
    {
        var selector = LongSelector(11 * 1024);

        var (code, body) = await SendAsync(version, $"/api/v1/namespaces/default/configmaps?labelSelector={Uri.EscapeDataString(selector)}");

        Assert.True(code == 200, body.ToJsonString());
        Assert.Equal("ConfigMapList", (string?)body["kind"]);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_request_line_over_1_MiB_is_a_414_Status(string version)
    {
        var selector = LongSelector(1_200_000);

        var (code, body) = await SendAsync(version, $"/api/v1/namespaces/default/configmaps?labelSelector={Uri.EscapeDataString(selector)}");

        Assert.Equal(414, code);
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Equal(414, (int?)body["code"]);
        Assert.Contains("over the limit of 1048576", (string?)body["message"]);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Headers_over_1_MiB_are_a_431_Status(string version)
    {
        var (code, body) = await SendAsync(version, "/api/v1/namespaces/default/configmaps", new string('x', 1_200_000));

        Assert.Equal(431, code);
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Contains("Request Header Fields Too Large", (string?)body["message"]);
    }

    /// <summary>A selector of about <paramref name="bytes"/> bytes: set-based terms over 63-character values.</summary>
    private static string LongSelector(int bytes)
    {
        var values = new List<string>();
        for (var i = 0; values.Sum(v => v.Length + 1) < bytes; i++)
        {
            values.Add($"v{i:D6}".PadRight(63, 'a'));
        }
        return $"app in ({string.Join(',', values)})";
    }

    private async Task<(int Code, JsonObject Body)> SendAsync(string version, string path, string? bigHeader = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path)
        {
            Version = Version.Parse(version),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (bigHeader is not null)
        {
            request.Headers.Add("X-Padding", bigHeader);
        }
        using var response = await api.Http.SendAsync(request);
        Assert.Equal(Version.Parse(version), response.Version);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.StartsWith('{') ? JsonNode.Parse(text)!.AsObject() : new JsonObject { ["raw"] = text });
    }
}
