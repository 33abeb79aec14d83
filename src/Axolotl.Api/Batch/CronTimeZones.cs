namespace Axolotl.Api.Batch;

/// <summary>IANA time zones as Go's time.LoadLocation finds them: "UTC" and the names of the tz database.</summary>
public static class CronTimeZones
{
    public static bool TryFind(string name, out TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(name);
        zone = TimeZoneInfo.Utc;
        if (name is "UTC" or "")
        {
            return true;
        }
        try
        {
            // Only IANA ids: a Windows-style id ("Pacific Standard Time") is not a Go location.
            if (!TimeZoneInfo.TryConvertWindowsIdToIanaId(name, out _) || name.Contains('/', StringComparison.Ordinal))
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(name);
                return true;
            }
            return false;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }
}
