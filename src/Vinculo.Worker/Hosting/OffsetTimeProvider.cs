namespace Vinculo.Hosting;

/// <summary>
/// The system clock shifted so that it read <c>start</c> when the process began: what <c>--now</c>
/// gives a command-line run, so a job sees time pass normally from the instant it was told.
/// </summary>
internal sealed class OffsetTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan offset = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;

    public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;
}
