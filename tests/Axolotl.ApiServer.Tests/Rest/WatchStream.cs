using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Tests.Rest;

/// <summary>Reads a watch response line by line.</summary>
public sealed class WatchStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private WatchStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public sealed record Event(string Type, JsonObject Object)
    {
        public string? Name => (string?)Object["metadata"]?["name"];
    }

    public static async Task<WatchStream> OpenAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        return new WatchStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    public async Task<Event> NextAsync(TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        var line = await _reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("watch ended");
        var node = JsonNode.Parse(line)!;
        return new Event((string)node["type"]!, node["object"]!.AsObject());
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}
