using Vinculo.Phones;
using Vinculo.Testing;
using Xunit;

namespace Vinculo.Core.Tests.Phones;

public sealed class SharedPhoneVectorTests
{
    [Fact]
    public void Classify_MatchesEverySharedVector()
    {
        var vectors = SharedPhoneVectors.Load();
        Assert.True(vectors.Count >= 30, $"Only {vectors.Count} vectors read from {SharedPhoneVectors.CsvPath}.");

        var classifier = new PhoneClassifier(new PhoneOptions());
        var mismatches = new List<string>();
        foreach (var vector in vectors)
        {
            var actual = classifier.Classify(vector.Raw);
            var reason = actual.Status == PhoneStatuses.Repaired ? actual.Note : actual.Error;
            var offset = actual.TimeZone is null ? (double?)null : TimeZoneInfo.FindSystemTimeZoneById(actual.TimeZone).BaseUtcOffset.TotalHours;
            if (actual.Status != vector.Status || actual.E164 != vector.E164 || actual.Type != vector.Type ||
                reason != vector.Reason || offset != vector.UtcOffset)
            {
                mismatches.Add(
                    $"line {vector.Line} \"{vector.Raw}\": expected {vector.Status},{vector.E164},{vector.Type},{vector.UtcOffset},{vector.Reason} " +
                    $"but got {actual.Status},{actual.E164},{actual.Type},{offset} ({actual.TimeZone}),{reason}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {vectors.Count} vectors differ:\n" + string.Join('\n', mismatches));
    }
}
