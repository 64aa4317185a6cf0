namespace Vinculo.Dispatch;

/// <summary>
/// When a message that hit a transient error is tried again: exponential in the attempts already made, with "equal
/// jitter" (half the delay fixed, half random), so that a burst of throttled messages does not come back as a burst.
/// Pure: the caller passes the random draw.
/// </summary>
public static class RetryBackoff
{
    /// <param name="attempts">Attempts already made, at least 1.</param>
    /// <param name="baseDelay">The delay after the first attempt (before jitter).</param>
    /// <param name="maxDelay">No delay is longer than this.</param>
    /// <param name="random">A draw in [0, 1).</param>
    public static TimeSpan Delay(int attempts, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(random, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(random, 1.0);

        // 2^(attempts-1) without overflow: beyond 30 doublings every sensible base is already past the maximum.
        var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        var full = Math.Min(baseDelay.Ticks * factor, maxDelay.Ticks);
        var ticks = (long)((full / 2) + (full / 2 * random));

        // The last draws below 1 round up to the full delay: keep the interval half-open.
        return TimeSpan.FromTicks(Math.Max(0, Math.Min(ticks, (long)full - 1)));
    }
}
