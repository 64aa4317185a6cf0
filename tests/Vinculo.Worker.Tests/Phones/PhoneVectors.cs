using System.Globalization;
using CsvHelper;
using Vinculo.Data;

namespace Vinculo.Phones;

/// <summary>One row of the shared phone vectors, <c>../shared/data/phones-br.csv</c> (beside the checkout).</summary>
public sealed record PhoneVector(string Raw, string Status, string? E164, string? Type, double? UtcOffset, string? Reason);

public static class PhoneVectors
{
    public static string CsvPath => Path.GetFullPath(Path.Combine(SqlServerStatementTests.RepositoryRoot(), "..", "shared", "data", "phones-br.csv"));

    public static List<PhoneVector> Load()
    {
        using var csv = CsvReader.FromFile(CsvPath, new CsvReaderOptions { HasHeader = true, Separator = ',' }, FileOptions.SequentialScan);
        var vectors = new List<PhoneVector>();
        while (csv.Read())
        {
            vectors.Add(new PhoneVector(
                csv.GetString("raw"),
                csv.GetString("status"),
                Empty(csv.GetString("e164")),
                Empty(csv.GetString("type")),
                Empty(csv.GetString("utc_offset")) is { } offset ? double.Parse(offset, CultureInfo.InvariantCulture) : null,
                Empty(csv.GetString("reason"))));
        }

        return vectors;
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
