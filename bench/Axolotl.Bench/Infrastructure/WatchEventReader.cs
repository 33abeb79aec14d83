using System.Text.Json;

namespace Axolotl.Bench.Infrastructure;

/// <summary>
/// The plumbing the benchmark's watches share: reads a Kubernetes watch response line by line on its
/// own task, stamps each line the moment it has been read (before parsing, so parse time never counts
/// as latency), skips keep-alive blank lines and hands each event's type and object to a callback.
/// An ERROR event, the server closing the stream or a broken connection is reported once as a
/// failure, so the owner can fail its waiters instead of letting them time out silently.
/// </summary>
internal sealed class WatchEventReader(ApiClient api) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private HttpResponseMessage? _response;
    private Task? _reader;

    /// <summary>The client the watch streams over. Owned: disposed with the reader. Owners may list with it before starting.</summary>
    public ApiClient Api { get; } = api;

    /// <summary>
    /// Opens the watch at <paramref name="path"/> and starts reading. <paramref name="onEvent"/> gets the stamp taken when
    /// the line arrived, the event type and its object (valid only during the call); <paramref name="onFailure"/> runs at most once.
    /// </summary>
    public async Task StartAsync<TStamp>(string path, Func<TStamp> stamp, Action<TStamp, string, JsonElement> onEvent, Action<Exception> onFailure, CancellationToken ct)
    {
        _response = await Api.OpenStreamAsync(path, ct);
        var stream = await _response.Content.ReadAsStreamAsync(ct);
        _reader = Task.Run(() => ReadAsync(stream, stamp, onEvent, onFailure, _stop.Token), CancellationToken.None);
    }

    private static async Task ReadAsync<TStamp>(Stream stream, Func<TStamp> stamp, Action<TStamp, string, JsonElement> onEvent, Action<Exception> onFailure, CancellationToken ct)
    {
        using var reader = new StreamReader(stream);
        try
        {
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                var arrived = stamp();
                if (line.Length == 0)
                {
                    continue;
                }
                using var doc = JsonDocument.Parse(line);
                var type = doc.RootElement.GetProperty("type").GetString();
                if (type == "ERROR")
                {
                    onFailure(new InvalidOperationException($"the watch ended with an ERROR event: {line}"));
                    return;
                }
                if (type is not null)
                {
                    onEvent(arrived, type, doc.RootElement.GetProperty("object"));
                }
            }
            onFailure(new InvalidOperationException("the server closed the watch"));
        }
        catch (Exception e) when ((e is OperationCanceledException or ObjectDisposedException) && ct.IsCancellationRequested)
        {
            // Disposed: the token is cancelled before the response is disposed under the read.
        }
        catch (Exception e) when (e is IOException or HttpRequestException or JsonException or ObjectDisposedException)
        {
            onFailure(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response?.Dispose();
        if (_reader is not null)
        {
            await _reader;
        }
        Api.Dispose();
        _stop.Dispose();
    }
}
