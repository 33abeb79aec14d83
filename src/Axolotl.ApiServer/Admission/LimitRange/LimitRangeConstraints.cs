using System.Globalization;
using Axolotl.Api.Resources;

namespace Axolotl.ApiServer.Admission.LimitRange;

/// <summary>
/// Upstream LimitRanger's three checks on one resource of a container or pod, with its messages.
/// Values compare in thousandths when that cannot overflow, else in whole units, as upstream does.
/// </summary>
public static class LimitRangeConstraints
{
    // resource.MaxMilliValue: the largest value whose milli form fits in an int64.
    private const long MaxMilliValue = long.MaxValue / 1000;

    public static string? Min(string limitType, string resource, Quantity enforced, IReadOnlyDictionary<string, Quantity> requests, IReadOnlyDictionary<string, Quantity> limits)
    {
        var hasRequest = requests.TryGetValue(resource, out var request);
        var hasLimit = limits.TryGetValue(resource, out var limit);
        var (r, l, e) = Comparable(request, limit, enforced);
        if (!hasRequest)
        {
            return $"minimum {resource} usage per {limitType} is {enforced}.  No request is specified.";
        }
        if (r < e)
        {
            return $"minimum {resource} usage per {limitType} is {enforced}, but request is {request}.";
        }
        if (hasLimit && l < e)
        {
            return $"minimum {resource} usage per {limitType} is {enforced}, but limit is {limit}.";
        }
        return null;
    }

    public static string? Max(string limitType, string resource, Quantity enforced, IReadOnlyDictionary<string, Quantity> requests, IReadOnlyDictionary<string, Quantity> limits)
    {
        var hasRequest = requests.TryGetValue(resource, out var request);
        var hasLimit = limits.TryGetValue(resource, out var limit);
        var (r, l, e) = Comparable(request, limit, enforced);
        if (!hasLimit)
        {
            return $"maximum {resource} usage per {limitType} is {enforced}.  No limit is specified.";
        }
        if (l > e)
        {
            return $"maximum {resource} usage per {limitType} is {enforced}, but limit is {limit}.";
        }
        if (hasRequest && r > e)
        {
            return $"maximum {resource} usage per {limitType} is {enforced}, but request is {request}.";
        }
        return null;
    }

    public static string? LimitRequestRatio(string limitType, string resource, Quantity enforced, IReadOnlyDictionary<string, Quantity> requests, IReadOnlyDictionary<string, Quantity> limits)
    {
        var hasRequest = requests.TryGetValue(resource, out var request);
        var hasLimit = limits.TryGetValue(resource, out var limit);
        var (r, l, _) = Comparable(request, limit, enforced);
        if (!hasRequest || r == 0)
        {
            return $"{resource} max limit to request ratio per {limitType} is {enforced}, but no request is specified or request is 0.";
        }
        if (!hasLimit || l == 0)
        {
            return $"{resource} max limit to request ratio per {limitType} is {enforced}, but no limit is specified or limit is 0.";
        }
        var observed = (double)l / r;
        var shown = observed;
        double most = enforced.Value();
        if (enforced.Value() <= MaxMilliValue)
        {
            observed *= 1000;
            most = enforced.MilliValue();
        }
        if (observed > most)
        {
            // Go's %f: six decimals.
            return $"{resource} max limit to request ratio per {limitType} is {enforced}, but provided ratio is {shown.ToString("F6", CultureInfo.InvariantCulture)}.";
        }
        return null;
    }

    private static (long Request, long Limit, long Enforced) Comparable(Quantity request, Quantity limit, Quantity enforced)
    {
        long r = request.Value(), l = limit.Value(), e = enforced.Value();
        if (r <= MaxMilliValue && l <= MaxMilliValue && e <= MaxMilliValue)
        {
            return (request.MilliValue(), limit.MilliValue(), enforced.MilliValue());
        }
        return (r, l, e);
    }
}
