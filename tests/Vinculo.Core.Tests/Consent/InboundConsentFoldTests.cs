using Vinculo.Consent;
using Xunit;

namespace Vinculo.Core.Tests.Consent;

public sealed class InboundConsentFoldTests
{
    private const string Rule = "keyword:sair";
    private const string Hash = "hash-a";
    private const string OtherHash = "hash-b";

    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, object?> Detail = new() { ["rule"] = Rule, ["inbound_id"] = 7L };

    private static ConsentRecord Granted(DateTimeOffset at) => new(ConsentStatuses.Granted, ConsentSources.WhatsApp, at, at, null, at, null);

    private static InboundConsentFold Fold(params (long Id, ConsentRecord? Stored)[] contacts)
    {
        var fold = new InboundConsentFold();
        foreach (var (id, stored) in contacts)
        {
            fold.Know(id, stored);
        }

        return fold;
    }

    [Fact]
    public void Revoke_RevokesEveryContact_WithAnEventEach_AndSuppressesEveryHashAtItsTime()
    {
        var fold = Fold((1, Granted(T0.AddDays(-10))), (2, null));

        var revoked = fold.Revoke([1, 2], [Hash, OtherHash], T0, Rule, Detail);

        Assert.Equal(2, revoked);
        Assert.Equal(
            [new ChangedConsent(1, Granted(T0.AddDays(-10)) with { Status = ConsentStatuses.Revoked, ChangedAt = T0, Reason = Rule }, Stored: true),
             new ChangedConsent(2, new ConsentRecord(ConsentStatuses.Revoked, ConsentSources.WhatsApp, null, null, null, T0, Rule), Stored: false)],
            fold.Changed);
        Assert.Equal([(1L, ConsentEvents.Revoked), (2L, ConsentEvents.Revoked)], fold.Events.Select(e => (e.ContactId, e.Event)));
        Assert.All(fold.Events, e => Assert.Equal((ConsentSources.WhatsApp, T0, """{"rule":"keyword:sair","inbound_id":7}"""), (e.Source, e.OccurredAt, e.Detail)));
        Assert.Equal([1L, 2L], fold.Revoked.Order());
        Assert.Equal(
            new Dictionary<string, SuppressionChange> { [Hash] = new(false, T0), [OtherHash] = new(false, T0) },
            fold.Suppression);
    }

    [Fact]
    public void Revoke_AnAlreadyRevokedConsent_ChangesNothingButStillCancelsAndSuppresses()
    {
        var revokedBefore = Granted(T0.AddDays(-10)) with { Status = ConsentStatuses.Revoked, ChangedAt = T0.AddDays(-1), Reason = Rule };
        var fold = Fold((1, revokedBefore));

        Assert.Equal(0, fold.Revoke([1], [Hash], T0, Rule, Detail));

        Assert.Empty(fold.Changed);
        Assert.Empty(fold.Events);
        Assert.Equal([1L], fold.Revoked);
        Assert.Equal(new SuppressionChange(false, T0), fold.Suppression[Hash]);
    }

    [Fact]
    public void OptOutThenOptIn_EndsGranted_WithTheSuppressionLifted()
    {
        var fold = Fold((1, Granted(T0.AddDays(-10))));

        fold.Revoke([1], [Hash], T0, Rule, Detail);
        Assert.Equal(1, fold.Grant([1], [Hash], T0.AddMinutes(5), Detail));

        var consent = Assert.Single(fold.Changed);
        Assert.Equal(ConsentStatuses.Granted, consent.Record.Status);
        Assert.Equal(T0.AddMinutes(5), consent.Record.GrantedAt);
        Assert.True(consent.Stored);
        Assert.Equal([ConsentEvents.Revoked, ConsentEvents.Granted], fold.Events.Select(e => e.Event));
        Assert.Equal(new SuppressionChange(true, null), fold.Suppression[Hash]);
        Assert.Equal([1L], fold.Revoked);
    }

    [Fact]
    public void OptInThenOptOut_EndsRevoked_AndSuppressesAgainAtTheOptOutsTime()
    {
        var fold = Fold((1, null));

        fold.Grant([1], [Hash], T0, Detail);
        fold.Revoke([1], [Hash], T0.AddMinutes(5), Rule, Detail);

        Assert.Equal(ConsentStatuses.Revoked, Assert.Single(fold.Changed).Record.Status);
        Assert.Equal([ConsentEvents.Granted, ConsentEvents.Revoked], fold.Events.Select(e => e.Event));
        Assert.Equal(new SuppressionChange(true, T0.AddMinutes(5)), fold.Suppression[Hash]);
    }

    [Fact]
    public void TwoOptOuts_KeepTheFirstOnesTime()
    {
        var fold = Fold((1, Granted(T0.AddDays(-10))));

        fold.Revoke([1], [Hash], T0, Rule, Detail);
        fold.Revoke([1], [Hash], T0.AddMinutes(5), Rule, Detail);

        Assert.Single(fold.Events);
        Assert.Equal(new SuppressionChange(false, T0), fold.Suppression[Hash]);
    }

    [Fact]
    public void OptOut_OptIn_OptOut_SuppressesFromTheLastOptOut()
    {
        var fold = Fold((1, null));

        fold.Revoke([1], [Hash], T0, Rule, Detail);
        fold.Grant([1], [Hash], T0.AddMinutes(1), Detail);
        fold.Revoke([1], [Hash], T0.AddMinutes(2), Rule, Detail);

        Assert.Equal([ConsentEvents.Revoked, ConsentEvents.Granted, ConsentEvents.Revoked], fold.Events.Select(e => e.Event));
        Assert.Equal(new SuppressionChange(true, T0.AddMinutes(2)), fold.Suppression[Hash]);
    }

    [Fact]
    public void Grant_RenewsAGrantedConsent_AndIgnoresOneNotLater()
    {
        var fold = Fold((1, Granted(T0.AddDays(-10))));

        Assert.Equal(1, fold.Grant([1], [], T0, Detail));
        Assert.Equal(0, fold.Grant([1], [], T0, Detail));
        Assert.Equal(0, fold.Grant([1], [], T0.AddMinutes(-1), Detail));

        var consent = Assert.Single(fold.Changed);
        Assert.Equal((T0.AddDays(-10), T0), (consent.Record.GrantedAt, consent.Record.LastConfirmedAt));
        Assert.Equal([ConsentEvents.Renewed], fold.Events.Select(e => e.Event));
        Assert.Empty(fold.Revoked);
        Assert.Empty(fold.Suppression);
    }

    [Fact]
    public void Grant_DatedNoLaterThanTheRevocation_ChangesNothing_ButStillLiftsTheSuppression()
    {
        var fold = Fold((1, null));
        fold.Revoke([1], [Hash], T0, Rule, Detail);

        Assert.Equal(0, fold.Grant([1], [Hash], T0, Detail));

        Assert.Equal(ConsentStatuses.Revoked, Assert.Single(fold.Changed).Record.Status);
        Assert.Equal(new SuppressionChange(true, null), fold.Suppression[Hash]);
    }

    [Fact]
    public void Detail_IsWrittenAsItStoodWhenTheChangeWasDecided()
    {
        var fold = Fold((1, null));
        var detail = new Dictionary<string, object?> { ["rule"] = "first" };

        fold.Grant([1], [], T0, detail);
        detail["rule"] = "second";

        Assert.Equal("""{"rule":"first"}""", Assert.Single(fold.Events).Detail);
    }

    [Fact]
    public void Changed_ListsContactsByIdWhateverTheOrderOfChanges()
    {
        var fold = Fold((9, null), (3, null), (5, null));

        fold.Grant([9], [], T0, Detail);
        fold.Grant([3, 5], [], T0.AddMinutes(1), Detail);

        Assert.Equal([3L, 5L, 9L], fold.Changed.Select(c => c.ContactId));
        Assert.Equal([9L, 3L, 5L], fold.Events.Select(e => e.ContactId));
    }

    [Fact]
    public void Unknown_NamesEachContactNotYetGivenOnce()
    {
        var fold = Fold((1, null), (2, Granted(T0)));

        Assert.Equal([3L, 4L], fold.Unknown([1, 3, 2, 4, 3]));
    }

    [Fact]
    public void Deciding_AboutAContactWhoseConsentWasNotRead_Throws()
    {
        var fold = Fold((1, null));

        Assert.Throws<InvalidOperationException>(() => fold.Revoke([1, 2], [Hash], T0, Rule, Detail));
        Assert.Throws<InvalidOperationException>(() => fold.Grant([2], [Hash], T0, Detail));
    }
}
