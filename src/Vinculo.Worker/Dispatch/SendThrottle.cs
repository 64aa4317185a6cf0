using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Vinculo.Dispatch;

/// <summary>
/// <c>Dispatch:MessagesPerSecond</c>, shared by every send in flight in this process: a token bucket filled continuously
/// at that rate and holding at most a tenth of a second's sends, so sends are spread evenly rather than fired in bursts.
/// </summary>
/// <remarks>
/// The bucket is filled from the elapsed time whenever a send asks for a token (not by a timer that fires a period's
/// worth per tick), so a late timer never lowers the rate: measured over a minute, the rate is the configured one.
/// </remarks>
public sealed class SendThrottle : IDisposable
{
    private readonly TokenBucketRateLimiter limiter;
    private readonly TimeSpan poll;

    public SendThrottle(IOptions<DispatchOptions> options)
    {
        var rate = options.Value.MessagesPerSecond;
        PerSecond = rate;
        limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, (int)Math.Ceiling(rate / 10)),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromTicks((long)(TimeSpan.TicksPerSecond / rate)),
            AutoReplenishment = false,
            QueueLimit = 0,
        });
        poll = TimeSpan.FromTicks(Math.Clamp((long)(TimeSpan.TicksPerSecond / rate / 2), TimeSpan.TicksPerMillisecond, 50 * TimeSpan.TicksPerMillisecond));
    }

    public double PerSecond { get; }

    /// <summary>Waits for the next send's turn.</summary>
    public async ValueTask WaitTurnAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            limiter.TryReplenish();
            using (var lease = limiter.AttemptAcquire(1))
            {
                if (lease.IsAcquired)
                {
                    return;
                }
            }

            await Task.Delay(poll, cancellationToken);
        }
    }

    public void Dispose() => limiter.Dispose();
}
