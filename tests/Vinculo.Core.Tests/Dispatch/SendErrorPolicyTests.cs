using CsCheck;
using Vinculo.Dispatch;
using Xunit;

namespace Vinculo.Core.Tests.Dispatch;

public sealed class SendErrorPolicyTests
{
    /// <summary>Every code the policy knows, with its action (SPEC section 6 and Meta's error-code reference).</summary>
    private static readonly (int Code, SendErrorAction Action)[] KnownCodes =
    [
        (130429, SendErrorAction.Retry),
        (131056, SendErrorAction.Retry),
        (4, SendErrorAction.Retry),
        (80007, SendErrorAction.Retry),
        (1, SendErrorAction.Retry),
        (2, SendErrorAction.Retry),
        (131000, SendErrorAction.Retry),
        (131016, SendErrorAction.Retry),
        (131047, SendErrorAction.RetryAsTemplate),
        (470, SendErrorAction.RetryAsTemplate),
        (131049, SendErrorAction.RequeueLater),
        (131026, SendErrorAction.Undeliverable),
        (131050, SendErrorAction.MarketingStopped),
        (131048, SendErrorAction.Halt),
        (368, SendErrorAction.Halt),
        (190, SendErrorAction.Halt),
        (10, SendErrorAction.Halt),
        (0, SendErrorAction.Halt),
        (3, SendErrorAction.Halt),
        (102, SendErrorAction.Halt),
        (200, SendErrorAction.Halt),
        (250, SendErrorAction.Halt),
        (299, SendErrorAction.Halt),
        (131031, SendErrorAction.Halt),
        (131042, SendErrorAction.Halt),
        (131045, SendErrorAction.Halt),
        (133010, SendErrorAction.Halt),
        (132001, SendErrorAction.TemplateRejected),
        (132015, SendErrorAction.TemplateRejected),
        (132016, SendErrorAction.TemplateRejected),
        (132068, SendErrorAction.TemplateRejected),
        (132069, SendErrorAction.TemplateRejected),
    ];

    /// <summary>Statuses Meta (or something in front of it) may serve an error with.</summary>
    private static readonly int[] Statuses = [200, 400, 401, 403, 404, 429, 500, 502, 503];

    /// <summary>Whether the policy knows <paramref name="code"/>: one of the list, or any of the authentication range 200–299.</summary>
    private static bool IsKnown(int code) => code is >= 200 and <= 299 || KnownCodes.Any(known => known.Code == code);

    public static TheoryData<int, int, SendErrorAction> KnownCodesUnderEveryStatus()
    {
        var data = new TheoryData<int, int, SendErrorAction>();
        foreach (var (code, action) in KnownCodes)
        {
            foreach (var status in Statuses)
            {
                data.Add(status, code, action);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KnownCodesUnderEveryStatus))]
    public void Classify_FollowsTheCode_WhateverTheHttpStatus(int status, int code, SendErrorAction expected) =>
        Assert.Equal(expected, SendErrorPolicy.Classify(status, code));

    [Theory]
    [InlineData(429)]
    [InlineData(400)]
    [InlineData(500)]
    public void Throughput_IsRetried_WhetherServedWith429Or400(int status) =>
        Assert.Equal(SendErrorAction.Retry, SendErrorPolicy.Classify(status, SendErrorPolicy.Throughput));

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(500)]
    public void AnExpiredToken_Halts_WhateverTheStatus(int status) =>
        Assert.Equal(SendErrorAction.Halt, SendErrorPolicy.Classify(status, SendErrorPolicy.AccessTokenExpired));

    [Fact]
    public void TheNamedCodes_AreMetasNumbers()
    {
        Assert.Equal(130429, SendErrorPolicy.Throughput);
        Assert.Equal(131026, SendErrorPolicy.Undeliverable);
        Assert.Equal(131047, SendErrorPolicy.WindowClosed);
        Assert.Equal(470, SendErrorPolicy.LegacyWindowClosed);
        Assert.Equal(131048, SendErrorPolicy.SpamRate);
        Assert.Equal(131049, SendErrorPolicy.MarketingLimit);
        Assert.Equal(131050, SendErrorPolicy.MarketingStopped);
        Assert.Equal(131056, SendErrorPolicy.PairRate);
        Assert.Equal(368, SendErrorPolicy.AccountRestricted);
        Assert.Equal(190, SendErrorPolicy.AccessTokenExpired);
        Assert.Equal(10, SendErrorPolicy.PermissionDenied);
    }

    [Theory]
    [InlineData(199)]
    [InlineData(300)]
    public void TheAuthRange_Is200To299Only(int code)
    {
        Assert.Equal(SendErrorAction.Rejected, SendErrorPolicy.Classify(400, code));
        Assert.Equal(SendErrorAction.Retry, SendErrorPolicy.Classify(500, code));
    }

    [Theory]
    [InlineData(132000)]
    [InlineData(132012)]
    public void AParameterThatDoesNotFit_FailsOnlyItsMessage(int code) =>
        Assert.Equal(SendErrorAction.Rejected, SendErrorPolicy.Classify(400, code));

    /// <summary>What a status alone leads to: with a code this version does not know, and with no code at all.</summary>
    public static TheoryData<int, SendErrorAction, SendErrorAction> WhatAStatusAloneDecides => new()
    {
        // status, with an unknown code, without a code
        { 400, SendErrorAction.Rejected, SendErrorAction.Rejected },
        { 401, SendErrorAction.Rejected, SendErrorAction.Halt },
        { 403, SendErrorAction.Rejected, SendErrorAction.Halt },
        { 404, SendErrorAction.Rejected, SendErrorAction.Rejected },
        { 409, SendErrorAction.Rejected, SendErrorAction.Rejected },
        { 422, SendErrorAction.Rejected, SendErrorAction.Rejected },
        { 429, SendErrorAction.Retry, SendErrorAction.Retry },
        { 500, SendErrorAction.Retry, SendErrorAction.Retry },
        { 502, SendErrorAction.Retry, SendErrorAction.Retry },
        { 503, SendErrorAction.Retry, SendErrorAction.Retry },
        { 504, SendErrorAction.Retry, SendErrorAction.Retry },
        { 599, SendErrorAction.Retry, SendErrorAction.Retry },
    };

    [Theory]
    [MemberData(nameof(WhatAStatusAloneDecides))]
    public void AnUnknownCode_IsRejected_UnlessThrottledOrAServerError(int status, SendErrorAction expected, SendErrorAction withoutACode)
    {
        _ = withoutACode;
        Assert.Equal(expected, SendErrorPolicy.Classify(status, 131999));
        Assert.Equal(expected, SendErrorPolicy.Classify(status, -1));
        Assert.Equal(expected, SendErrorPolicy.Classify(status, int.MaxValue));
    }

    [Theory]
    [MemberData(nameof(WhatAStatusAloneDecides))]
    public void WithoutACode_TheStatusDecides_AndAnAuthFailureHalts(int status, SendErrorAction withAnUnknownCode, SendErrorAction expected)
    {
        _ = withAnUnknownCode;
        Assert.Equal(expected, SendErrorPolicy.Classify(status, null));
    }

    [Fact]
    public void Classify_OnAKnownCode_NeverDependsOnTheStatus() =>
        Gen.Select(Gen.OneOf(KnownCodes), Gen.Int[100, 599])
            .Sample((known, status) => Assert.Equal(known.Action, SendErrorPolicy.Classify(status, known.Code)), iter: 5_000);

    [Fact]
    public void Classify_OnAnUnknownCode_RetriesExactlyOnThrottlingAndServerErrors() =>
        Gen.Select(Gen.OneOf(Gen.Int, Gen.Int[-10, 140_000]).Where(code => !IsKnown(code)), Gen.Int[100, 599])
            .Sample((code, status) =>
            {
                var expected = status == 429 || status >= 500 ? SendErrorAction.Retry : SendErrorAction.Rejected;
                Assert.Equal(expected, SendErrorPolicy.Classify(status, code));
            }, iter: 5_000);

    [Fact]
    public void Classify_NeverClaimsAnUnknownOutcome() =>
        Gen.Select(Gen.Int[-10, 140_000].Nullable(), Gen.Int[0, 999])
            .Sample((code, status) => Assert.NotEqual(SendErrorAction.UnknownOutcome, SendErrorPolicy.Classify(status, code)), iter: 10_000);

    [Fact]
    public void Halts_IsTrueForHaltOnly()
    {
        foreach (var action in Enum.GetValues<SendErrorAction>())
        {
            Assert.Equal(action == SendErrorAction.Halt, SendErrorPolicy.Halts(action));
        }
    }
}
