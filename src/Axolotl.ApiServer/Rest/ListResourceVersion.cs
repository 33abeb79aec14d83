using System.Globalization;
using Axolotl.Api.Meta;
using Axolotl.ApiServer.Errors;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Rest;

/// <summary>
/// A list's or watch's resourceVersion and resourceVersionMatch, validated as upstream's ListOptions
/// validation and storage versioner do (a resourceVersion is an unsigned integer), and the wait for a
/// resourceVersion this server has not reached yet: up to three seconds, then upstream's 504
/// "Too large resource version" so the client retries instead of hanging.
/// </summary>
public sealed record ListResourceVersion(ulong? Revision, string Match)
{
    public const string Exact = "Exact";
    public const string NotOlderThan = "NotOlderThan";

    private static readonly TimeSpan FreshnessWait = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan FreshnessPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>True for "" and "0": any state will do, no wait.</summary>
    public bool Any => Revision is null or 0;

    /// <summary>
    /// Parses and validates a list's (or, with <paramref name="watch"/>, a watch's) resourceVersion options with
    /// upstream's ValidateListOptions rules and wording, every violation reported in one 422.
    /// </summary>
    public static ListResourceVersion Parse(string? resourceVersion, string? match, bool hasContinue, bool watch = false, bool? sendInitialEvents = null)
    {
        ulong? revision = null;
        if (!string.IsNullOrEmpty(resourceVersion))
        {
            if (!ulong.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                var why = resourceVersion.All(char.IsAsciiDigit) ? "value out of range" : "invalid syntax";
                throw ApiErrors.BadRequest($"resourceVersion: Invalid value: \"{resourceVersion}\": strconv.ParseUint: parsing \"{resourceVersion}\": {why}");
            }
            revision = parsed;
        }
        match ??= "";
        var problems = watch
            ? WatchProblems(match, hasContinue, sendInitialEvents)
            : ListProblems(match, string.IsNullOrEmpty(resourceVersion), resourceVersion == "0", hasContinue, sendInitialEvents);
        if (problems.Count > 0)
        {
            var joined = problems.Count == 1 ? Text(problems[0]) : "[" + string.Join(", ", problems.Select(Text)) + "]";
            throw ApiErrors.Make(422, "Invalid", $"ListOptions.meta.k8s.io \"\" is invalid: {joined}", new StatusDetails
            {
                Group = "meta.k8s.io",
                Kind = "ListOptions",
                Causes = [.. problems.Select(p => new StatusCause { Type = p.Reason, Message = Text(p), Field = p.Field })],
            });
        }
        return new ListResourceVersion(revision, match);
    }

    private sealed record Problem(string Field, string Reason, string Detail);

    private static string Text(Problem p) => $"{p.Field}: {(p.Reason == "FieldValueForbidden" ? "Forbidden" : "Unsupported value")}: {p.Detail}";

    private static List<Problem> ListProblems(string match, bool noVersion, bool zero, bool hasContinue, bool? sendInitialEvents)
    {
        var problems = new List<Problem>();
        if (match.Length > 0)
        {
            if (noVersion)
            {
                problems.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
            }
            if (hasContinue)
            {
                problems.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
            }
            if (match is not (Exact or NotOlderThan))
            {
                problems.Add(Unsupported(match, $"\"{Exact}\", \"{NotOlderThan}\", \"\""));
            }
            if (match == Exact && zero)
            {
                problems.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
            }
        }
        if (sendInitialEvents is not null)
        {
            problems.Add(Forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
        }
        return problems;
    }

    private static List<Problem> WatchProblems(string match, bool hasContinue, bool? sendInitialEvents)
    {
        var problems = new List<Problem>();
        if (sendInitialEvents is not null && match != NotOlderThan)
        {
            problems.Add(Forbidden("resourceVersionMatch", $"sendInitialEvents requires setting resourceVersionMatch to {NotOlderThan}"));
        }
        if (match.Length > 0)
        {
            if (sendInitialEvents is null)
            {
                problems.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
            }
            if (match != NotOlderThan)
            {
                problems.Add(Unsupported(match, $"\"{NotOlderThan}\""));
            }
            if (hasContinue)
            {
                problems.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
            }
        }
        return problems;
    }

    private static Problem Forbidden(string field, string detail) => new(field, "FieldValueForbidden", detail);

    private static Problem Unsupported(string match, string supported) =>
        new("resourceVersionMatch", "FieldValueNotSupported", $"\"{match}\": supported values: {supported}");

    /// <summary>Waits until the store has reached the requested revision; 504 Timeout when it does not within three seconds.</summary>
    public async Task WaitUntilFreshAsync(IStore store, TimeProvider clock, CancellationToken ct)
    {
        if (Any)
        {
            return;
        }
        var wanted = Revision!.Value;
        var deadline = clock.GetUtcNow() + FreshnessWait;
        while ((ulong)Math.Max(store.CurrentRevision, 0) < wanted)
        {
            if (clock.GetUtcNow() >= deadline)
            {
                throw TooLarge(wanted, store.CurrentRevision);
            }
            await Task.Delay(FreshnessPoll, clock, ct);
        }
    }

    /// <summary>Exact: the list as it was at that revision (410 Expired once compacted).</summary>
    public bool IsExact => Match == Exact && Revision is > 0;

    private static ApiException TooLarge(ulong wanted, long current)
    {
        var status = ApiErrors.Make(504, "Timeout", $"Timeout: Too large resource version: {wanted}, current: {current}", new StatusDetails
        {
            Causes = [new StatusCause { Type = "ResourceVersionTooLarge", Message = "Too large resource version" }],
            RetryAfterSeconds = 1,
        }).Status;
        return new ApiException(status) { Headers = new Dictionary<string, string> { ["Retry-After"] = "1" } };
    }
}
