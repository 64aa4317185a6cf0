namespace Vinculo.Planning;

/// <summary>
/// A contact's <c>time_zone</c> as a <see cref="TimeZoneInfo"/>, looked up once per distinct id: a row without a zone, or
/// with one this machine does not know, is read in the business's zone (<c>Scheduler:TimeZone</c>). One instance per run,
/// on one thread.
/// </summary>
internal sealed class ZoneResolver(TimeZoneInfo businessZone)
{
    private readonly Dictionary<string, TimeZoneInfo> zones = new(StringComparer.Ordinal);

    /// <summary>Distinct ids this machine does not know.</summary>
    public int Unknown { get; private set; }

    public TimeZoneInfo Resolve(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return businessZone;
        }

        if (!zones.TryGetValue(id, out var zone))
        {
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                zone = businessZone;
                Unknown++;
            }

            zones[id] = zone;
        }

        return zone;
    }
}
