using PhoneNumbers;
using Vinculo.Phones;
using Xunit;

namespace Vinculo.Core.Tests.Phones;

public sealed class BrazilAreaCodesTests
{
    [Fact]
    public void IsValid_AcceptsExactlyTheRealDdds()
    {
        for (var ddd = -1; ddd <= 120; ddd++)
        {
            Assert.True(BrazilAreaCodes.IsValid(ddd) == BrazilianDdds.All.Contains(ddd), $"DDD {ddd}");
        }
    }

    [Fact]
    public void IsValid_AgreesWithLibphonenumberMetadata()
    {
        var util = PhoneNumberUtil.GetInstance();
        for (var ddd = 10; ddd <= 99; ddd++)
        {
            var mobile = util.Parse($"+55 {ddd} 99123-4567", "ZZ");
            Assert.True(util.IsValidNumber(mobile) == BrazilAreaCodes.IsValid(ddd), $"DDD {ddd}: libphonenumber says {util.IsValidNumber(mobile)}");
        }
    }

    [Fact]
    public void TimeZone_FollowsTheStates_PerSpec()
    {
        foreach (var ddd in BrazilianDdds.All)
        {
            var expectedHours = BrazilianDdds.UtcMinus5.Contains(ddd) ? -5 : BrazilianDdds.UtcMinus4.Contains(ddd) ? -4 : -3;

            Assert.True(
                TimeZoneInfo.FindSystemTimeZoneById(BrazilAreaCodes.TimeZone(ddd)).BaseUtcOffset == TimeSpan.FromHours(expectedHours),
                $"DDD {ddd}: {BrazilAreaCodes.TimeZone(ddd)} is not UTC{expectedHours}");
        }
    }

    [Theory]
    [InlineData(11, "America/Sao_Paulo")]
    [InlineData(21, "America/Sao_Paulo")]
    [InlineData(61, "America/Sao_Paulo")]
    [InlineData(65, "America/Cuiaba")]
    [InlineData(66, "America/Cuiaba")]
    [InlineData(67, "America/Campo_Grande")]
    [InlineData(68, "America/Rio_Branco")]
    [InlineData(69, "America/Porto_Velho")]
    [InlineData(71, "America/Bahia")]
    [InlineData(81, "America/Recife")]
    [InlineData(85, "America/Fortaleza")]
    [InlineData(91, "America/Belem")]
    [InlineData(92, "America/Manaus")]
    [InlineData(95, "America/Boa_Vista")]
    [InlineData(97, "America/Manaus")]
    public void TimeZone_NamesTheStatesOwnZone(int ddd, string zone) =>
        Assert.Equal(zone, BrazilAreaCodes.TimeZone(ddd));

    [Fact]
    public void TimeZone_ExistsOnThisMachine_AndHasNoDaylightSaving()
    {
        foreach (var ddd in BrazilianDdds.All)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(BrazilAreaCodes.TimeZone(ddd));
            foreach (var month in new[] { 1, 4, 7, 10, 12 })
            {
                Assert.Equal(zone.BaseUtcOffset, zone.GetUtcOffset(new DateTimeOffset(2026, month, 15, 12, 0, 0, TimeSpan.Zero)));
            }
        }
    }

    [Fact]
    public void TimeZone_HasLibphonenumbersOffset_WhereLibphonenumberIsRight()
    {
        // libphonenumber places all of 81 in Noronha (UTC-2), and landlines of 91, 93 and 94 (Pará, UTC-3) in Manaus (UTC-4).
        var util = PhoneNumberUtil.GetInstance();
        var mapper = PhoneNumberToTimeZonesMapper.GetInstance();
        foreach (var ddd in BrazilianDdds.All.Where(ddd => ddd != 81))
        {
            var zones = mapper.GetTimeZonesForNumber(util.Parse($"+55 {ddd} 99123-4567", "ZZ"));
            var ours = TimeZoneInfo.FindSystemTimeZoneById(BrazilAreaCodes.TimeZone(ddd)).BaseUtcOffset;

            Assert.True(
                zones.Count == 1 && TimeZoneInfo.FindSystemTimeZoneById(zones[0]).BaseUtcOffset == ours,
                $"DDD {ddd}: libphonenumber says {string.Join('|', zones)}, we say {BrazilAreaCodes.TimeZone(ddd)}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(100)]
    public void TimeZone_RefusesAnAreaCodeThatDoesNotExist(int ddd) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BrazilAreaCodes.TimeZone(ddd));
}
