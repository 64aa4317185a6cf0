using System.Globalization;
using CsvHelper;

namespace Vinculo.Testing;

/// <summary>One row of <c>../shared/data/phones-br.csv</c>: a raw string and what Vinculo must make of it.</summary>
public sealed record PhoneVector(long Line, string Raw, string Status, string? E164, string? Type, double? UtcOffset, string? Reason);

/// <summary>
/// The shared phone vectors, read where CI puts them: <c>../shared</c> beside the checkout (never copied
/// into the repository). Compiled into both test projects.
/// </summary>
public static class SharedPhoneVectors
{
    public static string CsvPath
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Worker.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.Parent is null
                ? throw new InvalidOperationException($"No Worker.sln above {AppContext.BaseDirectory}: cannot find ../shared/data.")
                : Path.Combine(directory.Parent.FullName, "shared", "data", "phones-br.csv");
        }
    }

    public static IReadOnlyList<PhoneVector> Load()
    {
        using var csv = CsvReader.FromFile(CsvPath, new CsvReaderOptions { HasHeader = true, Separator = ',' }, FileOptions.SequentialScan);
        var vectors = new List<PhoneVector>();
        while (csv.Read())
        {
            vectors.Add(new PhoneVector(
                csv.RowNumber + 1,
                csv.GetString("raw"),
                csv.GetString("status"),
                Empty(csv.GetString("e164")),
                Empty(csv.GetString("type")),
                Empty(csv.GetString("utc_offset")) is { } offset ? double.Parse(offset, NumberStyles.Float, CultureInfo.InvariantCulture) : null,
                Empty(csv.GetString("reason"))));
        }

        return vectors;
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
