using Vinculo.Import;
using Xunit;

namespace Vinculo.Core.Tests.Import;

/// <summary>Consent that arrives in a file never outranks what happened after it, and a known consent time adds nothing.</summary>
public sealed class ImportedConsentTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, null, null, null, ConsentChange.Grant)]
    [InlineData(null, null, null, -5, ConsentChange.Grant)]
    [InlineData("granted", 0, 0, null, ConsentChange.None)]
    [InlineData("granted", 0, 0, 0, ConsentChange.None)]
    [InlineData("granted", 0, 0, -1, ConsentChange.None)]
    [InlineData("granted", 0, 0, 1, ConsentChange.Renew)]
    [InlineData("revoked", null, 0, -1, ConsentChange.None)]
    [InlineData("revoked", null, 0, 0, ConsentChange.None)]
    [InlineData("revoked", null, 0, null, ConsentChange.None)]
    [InlineData("revoked", null, 0, 1, ConsentChange.Regrant)]
    [InlineData("expired", -30, 0, null, ConsentChange.None)]
    [InlineData("expired", -30, 0, 2, ConsentChange.Regrant)]
    public void Decide(string? status, int? lastConfirmedDays, int? changedDays, int? atDays, ConsentChange expected) =>
        Assert.Equal(expected, ImportedConsent.Decide(status, At(lastConfirmedDays), At(changedDays), At(atDays)));

    private static DateTimeOffset? At(int? days) => days is { } d ? Day.AddDays(d) : null;
}
