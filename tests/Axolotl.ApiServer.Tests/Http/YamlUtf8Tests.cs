using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Tests.Rest;

namespace Axolotl.ApiServer.Tests.Http;

/// <summary>A YAML body that is not UTF-8 is refused with go-yaml's words, and nothing is stored.</summary>
public sealed class YamlUtf8Tests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData(new byte[] { 0x61, 0xFF }, "invalid leading UTF-8 octet")]
    [InlineData(new byte[] { 0xC3, 0x28 }, "invalid trailing UTF-8 octet")]
    [InlineData(new byte[] { 0xE2, 0x82 }, "incomplete UTF-8 octet sequence")]
    [InlineData(new byte[] { 0xC0, 0xAF }, "invalid length of a UTF-8 sequence")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "invalid Unicode character")]
    public void Each_malformed_sequence_gets_go_yamls_complaint(byte[] bytes, string expected) =>
        Assert.Equal(expected, YamlUtf8.Problem(bytes));

    [Fact]
    public void UTF_8_of_every_width_passes() =>
        Assert.Null(YamlUtf8.Problem(Encoding.UTF8.GetBytes("a: \"é € 𝄞\"\n")));

    [Fact]
    public async Task A_create_with_a_bad_octet_is_400_and_stores_nothing()
    {
        var ns = await api.CreateNamespaceAsync("yaml-utf8");
        var yaml = Encoding.UTF8.GetBytes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  k: \"")
            .Concat(new byte[] { 0xFF, 0xFE }).Concat(Encoding.UTF8.GetBytes("\"\n")).ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps") { Content = new ByteArrayContent(yaml) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/yaml");

        using var response = await api.Http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("BadRequest", (string?)body["reason"]);
        Assert.Equal("error converting YAML to JSON: yaml: invalid leading UTF-8 octet", (string?)body["message"]);
        var (code, _) = await api.GetAsync($"/api/v1/namespaces/{ns}/configmaps/bad");
        Assert.Equal(404, code);
    }
}
