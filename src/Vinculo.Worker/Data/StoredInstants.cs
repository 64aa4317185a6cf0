using System.Data.Common;

namespace Vinculo.Data;

/// <summary>
/// Reads stored timestamps straight from a data reader, whatever the engine hands back: SQLite's fixed text form
/// (<c>2026-11-23T05:00:00.000Z</c>), parsed by hand because a sweep reads millions of them, or a UTC
/// <see cref="DateTime"/> / <see cref="DateTimeOffset"/> from the server engines.
/// </summary>
public static class StoredInstants
{
    /// <summary>The instant in column <paramref name="ordinal"/>, or null when the column is NULL.</summary>
    /// <remarks>One <see cref="DbDataReader.GetValue"/> per column: on SQLite each typed accessor is a native call of its own.</remarks>
    public static DateTimeOffset? Read(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.GetValue(ordinal) switch
        {
            DBNull => null,
            string text => TryParseFixed(text, out var instant) ? instant : new UtcTimestampHandler().Parse(text),
            DateTimeOffset offset => offset.ToUniversalTime(),
            DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
            var other => new UtcTimestampHandler().Parse(other),
        };
    }

    /// <summary>Parses exactly <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, the one form SQLite rows hold (the schema's CHECKs).</summary>
    internal static bool TryParseFixed(ReadOnlySpan<char> text, out DateTimeOffset instant)
    {
        instant = default;
        if (text.Length != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != '.' || text[23] != 'Z')
        {
            return false;
        }

        if (!(Digits(text, 0, 4, out var year) && Digits(text, 5, 2, out var month) && Digits(text, 8, 2, out var day)
              && Digits(text, 11, 2, out var hour) && Digits(text, 14, 2, out var minute) && Digits(text, 17, 2, out var second)
              && Digits(text, 20, 3, out var millisecond)))
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month) || hour > 23 || minute > 59 || second > 59 || year < 1)
        {
            return false;
        }

        instant = new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }
}
