using Microsoft.Extensions.Options;

namespace Vinculo.Dispatch;

/// <summary>
/// <c>Dispatch:MessagesPerSecond</c>, shared by every send in flight in this process: each send is given its own turn on a
/// schedule one interval (1/rate) apart, and may go at most a tenth of a second's sends ahead of it, so sends are spread
/// evenly rather than fired in bursts.
/// </summary>
/// <remarks>
/// A send waits exactly until its turn (one timer, no polling): at 1,000 a second, eight senders polling a token bucket
/// every millisecond kept the process busy waking up. The turns follow the schedule, not the moment a late timer fired, so
/// a late timer never lowers the rate: measured over a minute, the rate is the configured one. Turns are real time,
/// whatever clock the jobs run on (a test's or a benchmark's simulated night).
/// </remarks>
public sealed class SendThrottle
{
    private readonly TimeProvider clock;
    private readonly TimeSpan interval;
    private readonly TimeSpan ahead;
    private readonly long origin;
    private readonly Lock gate = new();
    private TimeSpan next;

    public SendThrottle(IOptions<DispatchOptions> options)
        : this(options.Value.MessagesPerSecond, TimeProvider.System)
    {
    }

    /// <param name="perSecond">Sends per second.</param>
    /// <param name="clock">The clock of the turns (real time but in tests of the schedule itself).</param>
    internal SendThrottle(double perSecond, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        PerSecond = perSecond;
        this.clock = clock;
        interval = TimeSpan.FromTicks(Math.Max(1, (long)(TimeSpan.TicksPerSecond / perSecond)));
        // A tenth of a second's sends may go at once (at least one).
        ahead = interval * (Math.Max(1, (int)Math.Ceiling(perSecond / 10)) - 1);
        origin = clock.GetTimestamp();
        next = -ahead;
    }

    public double PerSecond { get; }

    /// <summary>Waits for the next send's turn.</summary>
    public async ValueTask WaitTurnAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TimeSpan wait;
        lock (gate)
        {
            var now = clock.GetElapsedTime(origin);
            // Turns not taken in time are not saved up beyond the tenth of a second that may go at once.
            if (next < now - ahead)
            {
                next = now - ahead;
            }

            wait = next - now;
            next += interval;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, cancellationToken);
        }
    }
}
