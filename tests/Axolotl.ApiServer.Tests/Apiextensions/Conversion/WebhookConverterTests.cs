using System.Text.Json.Nodes;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.ApiServer.Admission.Webhooks;
using Axolotl.ApiServer.Apiextensions.Conversion;
using Axolotl.ApiServer.Errors;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Apiextensions.Conversion;

/// <summary>The webhook converter against a webhook on loopback, on a fake clock: only what is not at the desired version is sent, and 30 s is the limit.</summary>
public sealed class WebhookConverterTests
{
    private static JsonObject Object(string name, string apiVersion = "stable.example.com/v1") => JsonNode.Parse(
        """{"apiVersion":"API","kind":"CronTab","metadata":{"name":"NAME","namespace":"ns","uid":"u-NAME"},"spec":{"host":"h","port":1}}"""
            .Replace("API", apiVersion, StringComparison.Ordinal).Replace("NAME", name, StringComparison.Ordinal))!.AsObject();

    private static WebhookConverter Converter(TestWebhookServer server, TimeProvider clock) => new(
        new WebhookClient(new Axolotl.ApiServer.Backends.BackendTransport(), (_, _, _, _) => throw new InvalidOperationException("no services here"), clock),
        "crontabs.stable.example.com",
        new CustomResourceConversion("Webhook", new WebhookClientConfig { Url = server.Url("/convert"), CaBundle = Convert.FromBase64String(server.CaBundle) }, ["v1"]));

    [Fact]
    public async Task Only_objects_not_at_the_desired_version_are_sent_and_the_list_keeps_its_order()
    {
        await using var server = await TestWebhookServer.StartAsync((ctx, review) => TestConversionWebhook.Convert(ctx, review, TestConversionWebhook.HostPort));
        var converter = Converter(server, TimeProvider.System);

        var already = Object("same", "stable.example.com/v2");
        Assert.Same(already, await converter.ConvertAsync(already, "stable.example.com/v2", CancellationToken.None));
        Assert.Empty(server.Received);

        var items = await converter.ConvertListAsync([Object("a"), Object("b", "stable.example.com/v2"), Object("c")], "stable.example.com/v2", CancellationToken.None);
        Assert.Equal(["a", "b", "c"], items.Select(i => (string?)i["metadata"]!["name"]));
        Assert.Equal("h:1", (string?)items[0]["spec"]!["hostPort"]);
        Assert.Equal(2, server.Received.Single().Review["request"]!["objects"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_webhook_that_does_not_answer_within_30_seconds_fails_the_conversion()
    {
        var clock = new FakeTimeProvider();
        await using var server = await TestWebhookServer.StartAsync((ctx, _) => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        var converter = Converter(server, clock);

        var call = converter.ConvertAsync(Object("a"), "stable.example.com/v2", CancellationToken.None);
        await Eventually.TrueAsync(() => !server.Received.IsEmpty, "the webhook to be asked");
        // The only timer is the call's deadline, due 30 s after it began.
        Assert.Equal(TimeSpan.FromSeconds(30), clock.NextDue);
        clock.Advance(TimeSpan.FromSeconds(30));
        var failed = await Assert.ThrowsAsync<ApiException>(() => call);
        Assert.Equal(500, failed.Code);
        Assert.Equal($"conversion webhook for stable.example.com/v1, Kind=CronTab failed: Post \"{server.Url("/convert")}?timeout=30s\": context deadline exceeded", failed.Message);
    }
}
