using CsCheck;
using Vinculo.Consent;
using Xunit;

namespace Vinculo.Core.Tests.Consent;

public sealed class ConsentFreshnessTests
{
    private const int MaxIdleDays = ConsentFreshness.DefaultMaxIdleDays;

    private static readonly DateTimeOffset GrantedAt = new(2025, 3, 10, 13, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset IdleDeadline = GrantedAt.AddDays(MaxIdleDays);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly ContactActivity NoActivity = new(null, null);

    private static ConsentState Granted(DateTimeOffset? grantedAt = null, DateTimeOffset? lastConfirmedAt = null, DateTimeOffset? expiresAt = null) =>
        new(ConsentStatuses.Granted, grantedAt ?? GrantedAt, lastConfirmedAt, expiresAt);

    private static Freshness Evaluate(ConsentState consent, ContactActivity activity, DateTimeOffset now) =>
        ConsentFreshness.Evaluate(consent, activity, MaxIdleDays, now);

    [Fact]
    public void Evaluate_IsFresh_UntilTheLastTickBeforeMaxIdleDays() =>
        Assert.Equal(new Freshness(true, false, null, IdleDeadline), Evaluate(Granted(), NoActivity, IdleDeadline - Tick));

    [Fact]
    public void Evaluate_IsStaleAsIdle_AtExactlyMaxIdleDays() =>
        Assert.Equal(new Freshness(false, true, StaleReasons.Idle, IdleDeadline), Evaluate(Granted(), NoActivity, IdleDeadline));

    [Fact]
    public void Evaluate_IsStaleAsIdle_AfterMaxIdleDays() =>
        Assert.Equal(new Freshness(false, true, StaleReasons.Idle, IdleDeadline), Evaluate(Granted(), NoActivity, IdleDeadline.AddYears(3)));

    [Fact]
    public void Evaluate_IsFresh_RightAfterTheGrant() =>
        Assert.True(Evaluate(Granted(), NoActivity, GrantedAt).IsFresh);

    [Fact]
    public void Evaluate_IsStaleAsExpired_AtExactlyExpiresAt()
    {
        var expiresAt = GrantedAt.AddDays(30);
        Assert.True(Evaluate(Granted(expiresAt: expiresAt), NoActivity, expiresAt - Tick).IsFresh);
        Assert.Equal(new Freshness(false, true, StaleReasons.ExpiresAtPassed, expiresAt), Evaluate(Granted(expiresAt: expiresAt), NoActivity, expiresAt));
    }

    [Fact]
    public void Evaluate_ExpiresAtEndsConsent_EvenWhenThePersonIsActive()
    {
        var expiresAt = GrantedAt.AddDays(30);
        var active = new ContactActivity(expiresAt.AddDays(-1), expiresAt.AddHours(-1));
        Assert.Equal(StaleReasons.ExpiresAtPassed, Evaluate(Granted(expiresAt: expiresAt), active, expiresAt.AddMinutes(1)).Reason);
    }

    [Theory]
    [InlineData(100, 0, 0)]
    [InlineData(0, 200, 0)]
    [InlineData(0, 0, 300)]
    [InlineData(300, 100, 200)]
    public void Evaluate_CountsIdleDaysFromTheLatestRenewalInteractionOrPurchase(int confirmedAfterDays, int interactionAfterDays, int purchaseAfterDays)
    {
        DateTimeOffset? After(int days) => days == 0 ? null : GrantedAt.AddDays(days);
        var latest = GrantedAt.AddDays(new[] { confirmedAfterDays, interactionAfterDays, purchaseAfterDays }.Max());
        var consent = Granted(lastConfirmedAt: After(confirmedAfterDays));
        var activity = new ContactActivity(After(interactionAfterDays), After(purchaseAfterDays));

        Assert.Equal(new Freshness(true, false, null, latest.AddDays(MaxIdleDays)), Evaluate(consent, activity, latest.AddDays(MaxIdleDays) - Tick));
        Assert.Equal(new Freshness(false, true, StaleReasons.Idle, latest.AddDays(MaxIdleDays)), Evaluate(consent, activity, latest.AddDays(MaxIdleDays)));
    }

    [Fact]
    public void Evaluate_NamesExpiresAt_OnceItHasPassed()
    {
        var expiresLater = IdleDeadline.AddDays(10);
        var expiresEarlier = IdleDeadline.AddDays(-10);
        var now = IdleDeadline.AddDays(20);

        Assert.Equal(new Freshness(false, true, StaleReasons.Idle, IdleDeadline), Evaluate(Granted(expiresAt: expiresLater), NoActivity, IdleDeadline.AddDays(5)));
        Assert.Equal(new Freshness(false, true, StaleReasons.ExpiresAtPassed, IdleDeadline), Evaluate(Granted(expiresAt: expiresLater), NoActivity, now));
        Assert.Equal(new Freshness(false, true, StaleReasons.ExpiresAtPassed, expiresEarlier), Evaluate(Granted(expiresAt: expiresEarlier), NoActivity, now));
        Assert.Equal(new Freshness(false, true, StaleReasons.ExpiresAtPassed, IdleDeadline), Evaluate(Granted(expiresAt: IdleDeadline), NoActivity, IdleDeadline));
    }

    [Fact]
    public void Evaluate_ComparesInstants_WhateverTheOffsets()
    {
        var saoPaulo = TimeSpan.FromHours(-3);
        var grantedLocal = GrantedAt.ToOffset(saoPaulo);
        var deadline = grantedLocal.AddDays(MaxIdleDays);

        Assert.True(Evaluate(Granted(grantedLocal), NoActivity, deadline.ToOffset(TimeSpan.FromHours(9)) - Tick).IsFresh);
        var stale = Evaluate(Granted(grantedLocal), NoActivity, deadline.ToUniversalTime());
        Assert.True(stale.IsStale);
        Assert.Equal(TimeSpan.Zero, stale.FreshUntil!.Value.Offset);
        Assert.Equal(IdleDeadline, stale.FreshUntil);
    }

    [Fact]
    public void Evaluate_GrantedWithoutAnyDate_IsStaleAsIdle()
    {
        var undated = new ConsentState(ConsentStatuses.Granted, null, null, null);
        Assert.Equal(new Freshness(false, true, StaleReasons.Idle, null), Evaluate(undated, NoActivity, GrantedAt));

        var undatedButExpired = undated with { ExpiresAt = GrantedAt.AddDays(-1) };
        Assert.Equal(new Freshness(false, true, StaleReasons.ExpiresAtPassed, null), Evaluate(undatedButExpired, NoActivity, GrantedAt));

        // An interaction is a date to count from.
        Assert.True(Evaluate(undated, new ContactActivity(GrantedAt.AddDays(-1), null), GrantedAt).IsFresh);
    }

    [Theory]
    [InlineData(ConsentStatuses.Revoked)]
    [InlineData(ConsentStatuses.Expired)]
    [InlineData("Granted")]
    [InlineData("")]
    public void Evaluate_OnlyGrantedConsentIsFreshOrStale(string status)
    {
        var consent = new ConsentState(status, GrantedAt, null, GrantedAt.AddDays(1));
        Assert.Equal(new Freshness(false, false, null, null), Evaluate(consent, NoActivity, GrantedAt.AddYears(5)));
        Assert.Equal(new Freshness(false, false, null, null), Evaluate(consent, NoActivity, GrantedAt));
    }

    [Fact]
    public void Evaluate_ActivityInTheFuture_KeepsConsentFresh() =>
        Assert.True(Evaluate(Granted(), new ContactActivity(GrantedAt.AddYears(10), null), GrantedAt.AddYears(2)).IsFresh);

    [Fact]
    public void Evaluate_ActivityAtTheEndOfTime_DoesNotOverflow()
    {
        var freshness = Evaluate(Granted(DateTimeOffset.MaxValue.AddDays(-1)), NoActivity, GrantedAt);
        Assert.Equal(new Freshness(true, false, null, DateTimeOffset.MaxValue), freshness);
        Assert.True(Evaluate(Granted(DateTimeOffset.MaxValue), NoActivity, DateTimeOffset.MaxValue).IsStale);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(ConsentFreshness.MaxMaxIdleDays)]
    public void Evaluate_AcceptsMaxIdleDaysWithinRange(int maxIdleDays)
    {
        var deadline = GrantedAt.AddDays(maxIdleDays);
        Assert.True(ConsentFreshness.Evaluate(Granted(), NoActivity, maxIdleDays, deadline - Tick).IsFresh);
        Assert.True(ConsentFreshness.Evaluate(Granted(), NoActivity, maxIdleDays, deadline).IsStale);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-365)]
    [InlineData(ConsentFreshness.MaxMaxIdleDays + 1)]
    [InlineData(int.MaxValue)]
    public void Evaluate_RejectsMaxIdleDaysOutOfRange(int maxIdleDays)
    {
        // The setting's name belongs to the worker's options layer, which refuses the value at start-up; here only the argument.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ConsentFreshness.Evaluate(Granted(), NoActivity, maxIdleDays, GrantedAt));
        Assert.Equal("maxIdleDays", error.ParamName);
        Assert.Equal(maxIdleDays, error.ActualValue);
    }

    [Fact]
    public void Evaluate_RejectsNullConsent() =>
        Assert.Throws<ArgumentNullException>(() => ConsentFreshness.Evaluate(null!, NoActivity, MaxIdleDays, GrantedAt));

    [Fact]
    public void Evaluate_IsStaleExactlyFromTheEarliestDeadline() =>
        Gen.Select(Gen.Int[-800, 800], Gen.Int[-800, 800], Gen.Int[-800, 800], Gen.Int[-800, 800], Gen.Int[1, 800], Gen.Long[-TimeSpan.TicksPerDay, TimeSpan.TicksPerDay])
            .Sample((confirmed, interaction, expires, probe, maxIdleDays, jitterTicks) =>
            {
                DateTimeOffset? Day(int days) => days < -700 ? null : GrantedAt.AddDays(days);
                var consent = Granted(lastConfirmedAt: Day(confirmed), expiresAt: Day(expires));
                var activity = new ContactActivity(Day(interaction), null);
                var now = GrantedAt.AddDays(probe).AddTicks(jitterTicks);
                var freshness = ConsentFreshness.Evaluate(consent, activity, maxIdleDays, now);

                var latest = new[] { GrantedAt, consent.LastConfirmedAt ?? GrantedAt, activity.LastInteractionAt ?? GrantedAt }.Max();
                var idleUntil = latest.AddDays(maxIdleDays);
                var until = consent.ExpiresAt is { } expiresAt && expiresAt <= idleUntil ? expiresAt : idleUntil;
                var expected = now < until
                    ? new Freshness(true, false, null, until)
                    : new Freshness(false, true, consent.ExpiresAt is { } passed && now >= passed ? StaleReasons.ExpiresAtPassed : StaleReasons.Idle, until);
                Assert.Equal(expected, freshness);
            }, iter: 5_000);
}
