using System.Net;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Hosting;
using Axolotl.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.Rest;

/// <summary>
/// The pod write path was cut for CPU (issue 34); what a client sees must not change. The transcript of a fixed series
/// of writes (<see cref="WritePathTranscript"/>: creates, managers, patches, apply, status PUTs, refusals with their
/// causes and warnings) must equal the one recorded from the build before (eaa2d0df, with
/// `bench/write-path/measure.sh eaa2d0df transcript`), response by response.
/// </summary>
[Trait("Category", "Integration")]
public sealed class WritePathDifferentialTests
{
    /// <summary>
    /// managedFields are ordered by their time in seconds, then by manager: two writes a second apart on a slow machine
    /// and within one second on a fast one list the same entries in another order. Ordered by manager here (the times
    /// are placeholders already), so the comparison is of what was recorded, not of the clock.
    /// </summary>
    private static string Canonical(string block)
    {
        var lines = block.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('{') && JsonNode.Parse(lines[i]) is JsonObject obj &&
                obj["metadata"]?["managedFields"] is JsonArray entries)
            {
                var sorted = entries.Select(e => e!.DeepClone())
                    .OrderBy(e => (string?)e["operation"], StringComparer.Ordinal)
                    .ThenBy(e => (string?)e["manager"], StringComparer.Ordinal)
                    .ThenBy(e => (string?)e["subresource"] ?? "", StringComparer.Ordinal)
                    .ToArray();
                obj["metadata"]!["managedFields"] = new JsonArray(sorted);
                lines[i] = obj.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            }
        }
        return string.Join('\n', lines);
    }

    [Fact]
    public async Task Every_response_of_the_write_series_is_what_the_build_before_answered()
    {
        var dataDir = Directory.CreateTempSubdirectory("axolotl-write-path-test-").FullName;
        try
        {
            await using var store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = Path.Combine(dataDir, "state.db") }, TimeProvider.System, CancellationToken.None);
            var options = new ApiServerOptions { DataDir = dataDir, Port = 0, BindAddress = IPAddress.Loopback, KubernetesService = false };
            var host = await ApiServerHost.StartAsync(options, store, TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
            try
            {
                var actual = await WritePathTranscript.RunAsync(host.Pipeline, host.Tokens.AdminToken);
                var expected = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Rest", "Fixtures", "write-path-transcript.txt"));
                var want = expected.Split("\n\n");
                var got = actual.Split("\n\n");
                for (var i = 0; i < Math.Min(want.Length, got.Length); i++)
                {
                    Assert.Equal(Canonical(want[i]), Canonical(got[i]));
                }
                Assert.Equal(want.Length, got.Length);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
                await host.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
