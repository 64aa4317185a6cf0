using System.Globalization;
using System.Text;

namespace Vinculo.Core.Tests.Phones;

/// <summary>One row of <c>../shared/data/phones-br.csv</c>: a raw string and what Vinculo must make of it.</summary>
public sealed record PhoneVector(int Line, string Raw, string Status, string? E164, string? Type, double? UtcOffset, string? Reason);

/// <summary>
/// The shared test vectors, read where CI puts them: <c>../shared</c> beside the checkout (never copied into the repository).
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

            if (directory?.Parent is null)
            {
                throw new InvalidOperationException($"No Worker.sln above {AppContext.BaseDirectory}: cannot find ../shared/data.");
            }

            return Path.Combine(directory.Parent.FullName, "shared", "data", "phones-br.csv");
        }
    }

    public static IReadOnlyList<PhoneVector> Load()
    {
        var records = Csv.Parse(File.ReadAllText(CsvPath, Encoding.UTF8));
        var header = records[0];
        string[] expected = ["raw", "status", "e164", "type", "utc_offset", "reason"];
        if (!header.SequenceEqual(expected))
        {
            throw new InvalidDataException($"Unexpected header in {CsvPath}: {string.Join(',', header)}");
        }

        return records
            .Skip(1)
            .Select((fields, index) => fields.Count == expected.Length
                ? new PhoneVector(
                    index + 2,
                    fields[0],
                    fields[1],
                    NullIfEmpty(fields[2]),
                    NullIfEmpty(fields[3]),
                    fields[4].Length == 0 ? null : double.Parse(fields[4], NumberStyles.Float, CultureInfo.InvariantCulture),
                    NullIfEmpty(fields[5]))
                : throw new InvalidDataException($"{CsvPath} record {index + 2} has {fields.Count} fields, not {expected.Length}."))
            .ToList();
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

/// <summary>RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF ends a record.</summary>
public static class Csv
{
    public static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var fieldStarted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    fieldStarted = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    fieldStarted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }
        }

        if (quoted)
        {
            throw new InvalidDataException("Unterminated quoted field.");
        }

        EndRecord();
        return records;

        void EndRecord()
        {
            if (fieldStarted || record.Count > 0)
            {
                record.Add(field.ToString());
                records.Add(record);
            }

            record = [];
            field.Clear();
            fieldStarted = false;
        }
    }
}
