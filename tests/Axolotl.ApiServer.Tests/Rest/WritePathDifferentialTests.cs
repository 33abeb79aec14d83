using System.Net;
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
                    Assert.Equal(want[i], got[i]);
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
