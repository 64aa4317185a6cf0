using Microsoft.Extensions.Time.Testing;

namespace Vinculo.Dispatch;

/// <summary>
/// The rate of sends: a tenth of a second's sends may go at once, then each waits for its own turn one interval after the
/// last, on the schedule rather than from when it asked; turns not taken are not saved up.
/// </summary>
public sealed class SendThrottleTests
{
    [Fact]
    public async Task ATenthOfASecondGoesAtOnce_ThenOneTurnPerInterval()
    {
        var clock = new FakeTimeProvider();
        var throttle = new SendThrottle(100, clock);

        for (var i = 0; i < 10; i++)
        {
            Assert.True(throttle.WaitTurnAsync(CancellationToken.None).AsTask().IsCompletedSuccessfully, $"send {i + 1} of the first tenth of a second waited");
        }

        var eleventh = throttle.WaitTurnAsync(CancellationToken.None).AsTask();
        var twelfth = throttle.WaitTurnAsync(CancellationToken.None).AsTask();
        Assert.False(eleventh.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(9));
        Assert.False(eleventh.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await eleventh;
        Assert.False(twelfth.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(10));
        await twelfth;
    }

    [Fact]
    public async Task TurnsFollowTheSchedule_NotWhenEachSendAsked()
    {
        var clock = new FakeTimeProvider();
        var throttle = new SendThrottle(10, clock);
        await throttle.WaitTurnAsync(CancellationToken.None);

        // Asked 30 ms into the first interval: the turn still comes at 100 ms, not 130 ms.
        clock.Advance(TimeSpan.FromMilliseconds(30));
        var second = throttle.WaitTurnAsync(CancellationToken.None).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(69));
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await second;
    }

    [Fact]
    public async Task IdleTime_IsNotSavedUpBeyondATenthOfASecond()
    {
        var clock = new FakeTimeProvider();
        var throttle = new SendThrottle(100, clock);
        await throttle.WaitTurnAsync(CancellationToken.None);

        clock.Advance(TimeSpan.FromMinutes(5));
        var immediate = 0;
        while (immediate < 100 && throttle.WaitTurnAsync(CancellationToken.None).AsTask() is { IsCompletedSuccessfully: true })
        {
            immediate++;
        }

        Assert.Equal(10, immediate);
    }

    [Fact]
    public async Task ACancelledWait_EndsWithoutItsTurn()
    {
        var clock = new FakeTimeProvider();
        var throttle = new SendThrottle(1, clock);
        await throttle.WaitTurnAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource();

        var waiting = throttle.WaitTurnAsync(stop.Token).AsTask();
        Assert.False(waiting.IsCompleted);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => throttle.WaitTurnAsync(stop.Token).AsTask());
    }
}
