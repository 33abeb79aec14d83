using System.Net;
using System.Text;
using System.Text.Json;
using Axolotl.Api.Serialization;

namespace Axolotl.Testing;

/// <summary>
/// An HttpMessageHandler that answers from a script instead of a network. <see cref="Enqueue"/> adds
/// one-shot answers for a method and path, used in order; <see cref="Always"/> adds a standing answer
/// used when no one-shot answer is left. Anything unscripted gets a 404 Status naming the request.
/// Every request is recorded; <see cref="WaitForRequestAsync"/> lets a test wait for one without sleeping.
/// </summary>
public sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Method, string Path), Queue<Func<RecordedRequest, HttpResponseMessage>>> _once = [];
    private readonly Dictionary<(string Method, string Path), Func<RecordedRequest, HttpResponseMessage>> _always = [];
    private readonly List<RecordedRequest> _requests = [];
    private Func<RecordedRequest, HttpResponseMessage?>? _fallback;
    private readonly List<(Func<RecordedRequest, bool> Match, TaskCompletionSource<RecordedRequest> Signal)> _waiters = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public FakeHttpHandler Enqueue(HttpMethod method, string path, Func<RecordedRequest, HttpResponseMessage> respond)
    {
        lock (_lock)
        {
            var key = (method.Method, path);
            if (!_once.TryGetValue(key, out var queue))
            {
                _once[key] = queue = new Queue<Func<RecordedRequest, HttpResponseMessage>>();
            }
            queue.Enqueue(respond);
        }
        return this;
    }

    public FakeHttpHandler Enqueue(HttpMethod method, string path, HttpResponseMessage response) => Enqueue(method, path, _ => response);

    public FakeHttpHandler Always(HttpMethod method, string path, Func<RecordedRequest, HttpResponseMessage> respond)
    {
        lock (_lock)
        {
            _always[(method.Method, path)] = respond;
        }
        return this;
    }

    /// <summary>Answers whatever no scripted answer matched; returning null gives the usual 404.</summary>
    public FakeHttpHandler Fallback(Func<RecordedRequest, HttpResponseMessage?> respond)
    {
        lock (_lock)
        {
            _fallback = respond;
        }
        return this;
    }

    /// <summary>Completes with the first recorded request (past or future) that matches.</summary>
    public Task<RecordedRequest> WaitForRequestAsync(Func<RecordedRequest, bool> match)
    {
        lock (_lock)
        {
            var seen = _requests.FirstOrDefault(match);
            if (seen is not null)
            {
                return Task.FromResult(seen);
            }
            var signal = new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, signal));
            return signal.Task;
        }
    }

    /// <summary>Completes when the <paramref name="count"/>-th matching request has been recorded.</summary>
    public async Task<RecordedRequest> WaitForRequestAsync(Func<RecordedRequest, bool> match, int count)
    {
        var seen = 0;
        return await WaitForRequestAsync(r => match(r) && ++seen >= count);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, body, request.Content?.Headers.ContentType?.MediaType);
        Func<RecordedRequest, HttpResponseMessage>? respond;
        List<TaskCompletionSource<RecordedRequest>> signals = [];
        lock (_lock)
        {
            _requests.Add(recorded);
            var key = (request.Method.Method, recorded.Path);
            respond = _once.TryGetValue(key, out var queue) && queue.TryDequeue(out var next) ? next : _always.GetValueOrDefault(key);
            if (respond is null && _fallback is { } fallback)
            {
                respond = r => fallback(r)!;
            }
            foreach (var waiter in _waiters.ToList())
            {
                if (waiter.Match(recorded))
                {
                    _waiters.Remove(waiter);
                    signals.Add(waiter.Signal);
                }
            }
        }
        foreach (var signal in signals)
        {
            signal.TrySetResult(recorded);
        }
        var response = respond?.Invoke(recorded)
            ?? Status(404, "NotFound", $"no scripted response for {recorded}");
        response.RequestMessage = request;
        return response;
    }

    /// <summary>A 2xx (or other) answer with <paramref name="body"/> as JSON.</summary>
    public static HttpResponseMessage Json(object body, HttpStatusCode code = HttpStatusCode.OK) =>
        new(code)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, body.GetType(), KubeJson.Options), Encoding.UTF8, "application/json"),
        };

    /// <summary>A raw JSON text answer.</summary>
    public static HttpResponseMessage JsonText(string json, HttpStatusCode code = HttpStatusCode.OK) =>
        new(code) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    /// <summary>A meta/v1 Status answer, as the API server sends for errors.</summary>
    public static HttpResponseMessage Status(int code, string reason, string message) =>
        JsonText(
            $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":{{JsonSerializer.Serialize(message)}},"reason":"{{reason}}","code":{{code}}}""",
            (HttpStatusCode)code);

    /// <summary>A list answer: {"kind":kind,"metadata":{"resourceVersion":rv},"items":[…]}.</summary>
    public static HttpResponseMessage List(string kind, string resourceVersion, params object[] items) =>
        JsonText($$"""{"kind":"{{kind}}","apiVersion":"v1","metadata":{"resourceVersion":"{{resourceVersion}}"},"items":[{{string.Join(',', items.Select(i => JsonSerializer.Serialize(i, i.GetType(), KubeJson.Options)))}}]}""");

    /// <summary>A 200 answer whose body the test streams through <paramref name="stream"/>.</summary>
    public static HttpResponseMessage Watch(WatchStream stream) =>
        new(HttpStatusCode.OK) { Content = new StreamContent(stream) { Headers = { ContentType = new("application/json") } } };
}
