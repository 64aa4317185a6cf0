using System.Globalization;
using CsCheck;
using Vinculo.Consent;
using Xunit;

namespace Vinculo.Core.Tests.Consent;

public sealed class ConsentTransitionsTests
{
    private static readonly DateTimeOffset March = DateTimeOffset.Parse("2026-03-01T12:00:00Z", CultureInfo.InvariantCulture);
    private static readonly DateTimeOffset May = DateTimeOffset.Parse("2026-05-01T12:00:00Z", CultureInfo.InvariantCulture);

    private static ConsentRecord Granted(DateTimeOffset at) => new(ConsentStatuses.Granted, ConsentSources.Form, at, at, null, at, null);

    [Fact]
    public void Grant_WithoutConsent_GrantsWithOneEvent()
    {
        var change = ConsentTransitions.Grant(null, ConsentSources.WhatsApp, March);

        Assert.Equal(ConsentEvents.Granted, change.Event);
        Assert.Equal(new ConsentRecord(ConsentStatuses.Granted, ConsentSources.WhatsApp, March, March, null, March, null), change.Next);
    }

    [Fact]
    public void Grant_WhileGranted_RenewsOnlyWhenLater()
    {
        var renewed = ConsentTransitions.Grant(Granted(March), ConsentSources.WhatsApp, May);

        Assert.Equal(ConsentEvents.Renewed, renewed.Event);
        Assert.Equal(May, renewed.Next!.LastConfirmedAt);
        Assert.Equal(March, renewed.Next.GrantedAt);
        Assert.Equal(ConsentSources.Form, renewed.Next.Source);
        Assert.False(ConsentTransitions.Grant(Granted(May), ConsentSources.Import, March).Changes);
        Assert.False(ConsentTransitions.Grant(Granted(May), ConsentSources.Import, May).Changes);
    }

    [Fact]
    public void Grant_DatedBeforeARevocation_ChangesNothing()
    {
        var revoked = ConsentTransitions.Revoke(Granted(March), ConsentSources.WhatsApp, May, "keyword:sair").Next;

        Assert.False(ConsentTransitions.Grant(revoked, ConsentSources.Import, March).Changes);
        var regranted = ConsentTransitions.Grant(revoked, ConsentSources.WhatsApp, May.AddMinutes(1));
        Assert.Equal(ConsentEvents.Granted, regranted.Event);
        Assert.Null(regranted.Next!.Reason);
    }

    [Fact]
    public void Grant_AfterExpiry_GrantsAgain()
    {
        var expired = Granted(March) with { Status = ConsentStatuses.Expired, ChangedAt = May, Reason = StaleReasons.Idle };

        Assert.Equal(ConsentEvents.Granted, ConsentTransitions.Grant(expired, ConsentSources.WhatsApp, May.AddDays(1)).Event);
    }

    [Fact]
    public void Revoke_RecordsEvenWithoutConsent_AndOnlyOnce()
    {
        var first = ConsentTransitions.Revoke(null, ConsentSources.WhatsApp, March, "keyword:sair");

        Assert.Equal(ConsentEvents.Revoked, first.Event);
        Assert.Equal(ConsentStatuses.Revoked, first.Next!.Status);
        Assert.Null(first.Next.GrantedAt);
        Assert.False(ConsentTransitions.Revoke(first.Next, ConsentSources.WhatsApp, May, "keyword:sair").Changes);
    }

    [Fact]
    public void Revoke_WinsOverALaterGrant()
    {
        var granted = Granted(May);

        var change = ConsentTransitions.Revoke(granted, ConsentSources.WhatsApp, March, "keyword:pare");

        Assert.Equal(ConsentStatuses.Revoked, change.Next!.Status);
        Assert.Equal("keyword:pare", change.Next.Reason);
    }

    [Fact]
    public void EveryChange_HasExactlyOneEvent_AndRepeatingItChangesNothing() =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[-100, 100], Gen.Bool)
            .Sample((start, days, grant) =>
            {
                ConsentRecord? current = start switch
                {
                    0 => null,
                    1 => Granted(March),
                    2 => Granted(March) with { Status = ConsentStatuses.Revoked, ChangedAt = May },
                    _ => Granted(March) with { Status = ConsentStatuses.Expired, ChangedAt = May },
                };
                var at = March.AddDays(days);
                var change = grant ? ConsentTransitions.Grant(current, ConsentSources.Import, at) : ConsentTransitions.Revoke(current, ConsentSources.WhatsApp, at, "r");
                Assert.Equal(change.Next is null, change.Event is null);
                if (change.Next is { } next)
                {
                    var again = grant ? ConsentTransitions.Grant(next, ConsentSources.Import, at) : ConsentTransitions.Revoke(next, ConsentSources.WhatsApp, at, "r");
                    Assert.False(again.Changes);
                }
            });
}
