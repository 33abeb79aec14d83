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

    public static ListResourceVersion Parse(string? resourceVersion, string? match, bool hasContinue)
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
        var problem = match switch
        {
            "" => null,
            Exact or NotOlderThan when revision is null => "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
            Exact when revision == 0 => "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
            Exact or NotOlderThan when hasContinue => "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided",
            Exact or NotOlderThan => null,
            _ => $"resourceVersionMatch: Unsupported value: \"{match}\": supported values: \"{Exact}\", \"{NotOlderThan}\"",
        };
        if (problem is not null)
        {
            throw ApiErrors.Make(422, "Invalid", $"ListOptions.meta.k8s.io \"\" is invalid: {problem}",
                new StatusDetails { Group = "meta.k8s.io", Kind = "ListOptions", Causes = [new StatusCause { Type = "FieldValueInvalid", Message = problem, Field = "resourceVersionMatch" }] });
        }
        return new ListResourceVersion(revision, match);
    }

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

    /// <summary>Exact asks for the state at that revision; only the current one is kept for lists.</summary>
    public void CheckExactServed(long current)
    {
        if (Match == Exact && Revision is { } wanted && wanted != (ulong)current)
        {
            throw ApiErrors.Gone($"too old resource version: {wanted} ({current})");
        }
    }

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
