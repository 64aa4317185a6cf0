using System.Globalization;

namespace Vinculo.Dispatch;

/// <summary>
/// When the content circuit breaker (SPEC section 6) pauses a content, and what it writes in <c>paused_reason</c>: a
/// content whose recipients of the last 24 hours (at least <c>Dispatch:PauseMinSends</c>) opted out after receiving it
/// at a rate above <c>Dispatch:PauseOptOutRate</c>. Pure: the caller counts the recipients and opt-outs.
/// </summary>
public static class ContentTrip
{
    /// <summary>The start of every <c>paused_reason</c> the breaker writes.</summary>
    public const string PausedReasonPrefix = "circuit_breaker";

    /// <param name="recipients">Distinct numbers the content reached in the last 24 hours.</param>
    /// <param name="optedOut">How many of them opted out after receiving it.</param>
    /// <param name="minSends"><c>Dispatch:PauseMinSends</c>.</param>
    /// <param name="maxOptOutRate"><c>Dispatch:PauseOptOutRate</c>: a rate equal to it does not trip.</param>
    public static bool Trips(long recipients, long optedOut, int minSends, double maxOptOutRate) =>
        recipients >= minSends && (double)optedOut / recipients > maxOptOutRate;

    /// <summary>The <c>paused_reason</c>: the figures, the rate and the limit (invariant culture).</summary>
    public static string PausedReason(long recipients, long optedOut, double maxOptOutRate)
    {
        var rate = (double)optedOut / recipients;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{PausedReasonPrefix}: {optedOut} of {recipients} recipients in 24 h opted out ({rate:P1}, limit {maxOptOutRate:P1})");
    }
}
