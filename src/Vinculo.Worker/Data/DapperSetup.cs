using System.Data;
using System.Globalization;
using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Vinculo.Data;

/// <summary>Process-wide Dapper settings, applied once.</summary>
internal static class DapperSetup
{
    private static int configured;

    public static void EnsureConfigured()
    {
        if (Interlocked.Exchange(ref configured, 1) == 0)
        {
            // Dapper maps DateTimeOffset itself unless its built-in mapping is removed first.
            SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
            SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
            SqlMapper.AddTypeHandler(new UtcTimestampHandler());
        }
    }
}

/// <summary>
/// Every timestamp is UTC with millisecond precision, whatever the engine: SQLite text in the one
/// fixed form <c>2026-11-23T05:00:00.000Z</c> (so other tools' rows compare correctly), PostgreSQL
/// <c>timestamptz</c>, SQL Server <c>datetime2(3)</c> (not Dapper's default <c>datetime</c>).
/// </summary>
internal sealed class UtcTimestampHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public const string SqliteFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string ToSqliteText(DateTimeOffset value) =>
        Truncate(value).ToString(SqliteFormat, CultureInfo.InvariantCulture);

    /// <summary>The same text as <see cref="ToSqliteText"/>, written as UTF-8 into <paramref name="destination"/>.</summary>
    /// <remarks>By hand: the nightly sweep writes two timestamps per row, and the custom-format path cost more than the row's hash.</remarks>
    public static bool TryFormatSqliteUtf8(DateTimeOffset value, Span<byte> destination, out int written)
    {
        written = 0;
        var utc = Truncate(value);
        if (destination.Length < 24 || utc.Year > 9999)
        {
            return false;
        }

        Write(destination, 0, utc.Year, 4);
        destination[4] = (byte)'-';
        Write(destination, 5, utc.Month, 2);
        destination[7] = (byte)'-';
        Write(destination, 8, utc.Day, 2);
        destination[10] = (byte)'T';
        Write(destination, 11, utc.Hour, 2);
        destination[13] = (byte)':';
        Write(destination, 14, utc.Minute, 2);
        destination[16] = (byte)':';
        Write(destination, 17, utc.Second, 2);
        destination[19] = (byte)'.';
        Write(destination, 20, utc.Millisecond, 3);
        destination[23] = (byte)'Z';
        written = 24;
        return true;

        static void Write(Span<byte> destination, int start, int number, int digits)
        {
            for (var i = start + digits - 1; i >= start; i--)
            {
                destination[i] = (byte)('0' + (number % 10));
                number /= 10;
            }
        }
    }

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        var utc = Truncate(value);
        switch (parameter)
        {
            case SqliteParameter:
                parameter.DbType = DbType.String;
                parameter.Value = utc.ToString(SqliteFormat, CultureInfo.InvariantCulture);
                break;
            case SqlParameter sql:
                sql.SqlDbType = SqlDbType.DateTime2;
                sql.Scale = 3;
                sql.Value = utc;
                break;
            default:
                // Npgsql maps a UTC DateTime to timestamptz.
                parameter.Value = utc;
                break;
        }
    }

    public override DateTimeOffset Parse(object value) => value switch
    {
        DateTimeOffset offset => offset.ToUniversalTime(),
        DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
        string text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        _ => throw new DataException($"Cannot read a timestamp from a {value.GetType().Name}."),
    };

    /// <summary>The stored form of an instant: UTC, whole milliseconds (bulk paths use it too, so every engine keeps the same value).</summary>
    internal static DateTime Truncate(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
