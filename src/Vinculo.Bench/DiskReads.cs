using System.Globalization;

namespace Vinculo.Bench;

/// <summary>
/// What this process made the storage read (<c>read_bytes</c> of <c>/proc/self/io</c>: pages the operating system's cache did
/// not hold), null where the system does not say. On a base larger than memory it tells a job that waited for the disk from
/// one that computed; a server engine's reads are its own processes', not counted here.
/// </summary>
internal static class DiskReads
{
    private const string Source = "/proc/self/io";

    public static long? Current()
    {
        try
        {
            foreach (var line in File.ReadLines(Source))
            {
                if (line.StartsWith("read_bytes:", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan("read_bytes:".Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
                {
                    return bytes;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>"   disco 1,234 MB lidos" for the reads between two readings, or nothing when either is unknown.</summary>
    public static string Describe(long? before, long? after) =>
        before is { } from && after is { } to ? $"   disco {(to - from) / 1048576.0:N0} MB lidos" : "";
}
