using Vinculo.Dispatch;
using Xunit;

namespace Vinculo.Core.Tests.Dispatch;

public sealed class SenderSignalsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 18, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(SenderSignalFields.PhoneQuality, "FLAGGED", null, null, SenderSignalEffect.Flagged)]
    [InlineData(SenderSignalFields.PhoneQuality, "FLAGGED", "TIER_1K", null, SenderSignalEffect.Flagged)]
    [InlineData(SenderSignalFields.PhoneQuality, "UNFLAGGED", "TIER_1K", null, SenderSignalEffect.Unflagged)]
    [InlineData(SenderSignalFields.PhoneQuality, "DOWNGRADE", "TIER_250", null, SenderSignalEffect.Tier)]
    [InlineData(SenderSignalFields.PhoneQuality, "THROUGHPUT_UPGRADE", "TIER_UNLIMITED", null, SenderSignalEffect.Tier)]
    [InlineData(SenderSignalFields.PhoneQuality, "ONBOARDING", "TIER_NOT_SET", null, SenderSignalEffect.None)]
    [InlineData(SenderSignalFields.PhoneQuality, "UPGRADE", "TIER_5M", null, SenderSignalEffect.None)]
    [InlineData(SenderSignalFields.PhoneQuality, "UPGRADE", "tier_2k", null, SenderSignalEffect.None)]
    [InlineData(SenderSignalFields.TemplateStatus, "PAUSED", null, null, SenderSignalEffect.PauseTemplate)]
    [InlineData(SenderSignalFields.TemplateStatus, "DISABLED", null, null, SenderSignalEffect.PauseTemplate)]
    [InlineData(SenderSignalFields.TemplateStatus, "REJECTED", null, null, SenderSignalEffect.PauseTemplate)]
    [InlineData(SenderSignalFields.TemplateStatus, "FLAGGED", null, null, SenderSignalEffect.PauseTemplate)]
    [InlineData(SenderSignalFields.TemplateStatus, "APPROVED", null, null, SenderSignalEffect.ResumeTemplate)]
    [InlineData(SenderSignalFields.TemplateStatus, "REINSTATED", null, null, SenderSignalEffect.ResumeTemplate)]
    [InlineData(SenderSignalFields.TemplateStatus, "PENDING", null, null, SenderSignalEffect.None)]
    [InlineData(SenderSignalFields.TemplateStatus, "IN_APPEAL", null, null, SenderSignalEffect.None)]
    [InlineData(SenderSignalFields.TemplateStatus, "SOMETHING_NEW", null, null, SenderSignalEffect.None)]
    [InlineData(SenderSignalFields.TemplateStatus, null, null, null, SenderSignalEffect.None)]
    [InlineData(SenderSignalFields.TemplateQuality, "RED", null, null, SenderSignalEffect.PauseTemplate)]
    [InlineData(SenderSignalFields.TemplateQuality, "YELLOW", null, null, SenderSignalEffect.None)]
    [InlineData(SenderSignalFields.TemplateQuality, "GREEN", null, null, SenderSignalEffect.None)]
    [InlineData(SenderSignalFields.Account, "ACCOUNT_RESTRICTION", null, null, SenderSignalEffect.Halt)]
    [InlineData(SenderSignalFields.Account, "ACCOUNT_VIOLATION", null, null, SenderSignalEffect.Halt)]
    [InlineData(SenderSignalFields.Account, "DISABLED_UPDATE", null, "DISABLE", SenderSignalEffect.Halt)]
    [InlineData(SenderSignalFields.Account, "DISABLED_UPDATE", null, "REINSTATE", SenderSignalEffect.None)]
    [InlineData(SenderSignalFields.Account, "PARTNER_APP_INSTALLED", null, null, SenderSignalEffect.None)]
    [InlineData("user_preferences", "FLAGGED", "TIER_50", null, SenderSignalEffect.None)]
    public void Effect_ActsOnKnownEventsOnly(string field, string? @event, string? tier, string? banState, SenderSignalEffect expected) =>
        Assert.Equal(expected, SenderSignals.Effect(field, @event, tier, banState));

    [Theory]
    [InlineData(250, null, false, 0.5, 250)]
    [InlineData(1000, 250, false, 0.5, 250)]
    [InlineData(100, 2_000, false, 0.5, 100)]
    [InlineData(1000, 250, true, 0.5, 125)]
    [InlineData(251, null, true, 0.5, 125)]
    [InlineData(250, null, true, 0, 0)]
    [InlineData(250, null, true, 1, 250)]
    public void EffectiveDailyLimit_IsTheLowerOfSettingAndTier_TimesTheShareWhileFlagged(int configured, int? tier, bool flagged, double share, int expected) =>
        Assert.Equal(expected, SenderSignals.EffectiveDailyLimit(configured, tier, flagged, share));

    [Fact]
    public void State_TakesTheLatestReadableTier_AndTheLatestFlag_InMetasOrder()
    {
        var state = SenderState.From(
        [
            new QualitySignal("DOWNGRADE", "TIER_250", T0),
            new QualitySignal("FLAGGED", null, T0.AddHours(1)),
            new QualitySignal("FLAGGED", null, T0.AddHours(2)),
            new QualitySignal("UPGRADE", "TIER_UNKNOWN", T0.AddHours(3)),
            new QualitySignal("ONBOARDING", "TIER_NOT_SET", T0.AddHours(4)),
        ]);

        Assert.Equal(("TIER_250", (int?)250, (DateTimeOffset?)T0), (state.Tier, state.TierLimit, state.TierSince));
        Assert.Equal((true, (DateTimeOffset?)T0.AddHours(1)), (state.Flagged, state.FlaggedSince));
        Assert.Equal(("ONBOARDING", (DateTimeOffset?)T0.AddHours(4)), (state.LastEvent, state.LastEventAt));
        Assert.Equal(125, state.EffectiveDailyLimit(1000, 0.5));
    }

    [Fact]
    public void State_Unflagged_AndUnlimited_GiveTheSettingBack()
    {
        var state = SenderState.From(
        [
            new QualitySignal("FLAGGED", "TIER_250", T0),
            new QualitySignal("UNFLAGGED", null, T0.AddHours(1)),
            new QualitySignal("UPGRADE", "TIER_UNLIMITED", T0.AddHours(2)),
        ]);

        Assert.False(state.Flagged);
        Assert.Null(state.TierLimit);
        Assert.Equal(1000, state.EffectiveDailyLimit(1000, 0.5));
        Assert.Equal(250, SenderState.Unknown.EffectiveDailyLimit(250, 0.5));
    }
}
