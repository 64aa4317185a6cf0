using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Vinculo.Data;

namespace Vinculo.Hosting;

/// <summary>The <c>Database</c> section: which engine, where it is, and how the worker treats it.</summary>
public sealed class DatabaseOptions : ISettingsSection, IValidatableObject
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (default), <c>Postgres</c> or <c>SqlServer</c>. Kept as text so a bad value is reported, not thrown.</summary>
    public string Provider { get; set; } = SqlDialect.DefaultProvider.ToString();

    /// <summary>Defaults to a SQLite file under <c>data/</c>; required for the other engines.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Create or upgrade the schema when the scheduler starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    [SettingRange(typeof(TimeSpan), "00:00:00", "1.00:00:00", MinimumIsExclusive = true, ErrorMessage = "'{0}' deve ser uma duração positiva de até um dia, como 00:05:00.")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many times opening a connection, and then a unit of a job's work that failed on a transient error (a dropped
    /// connection, a restart, a deadlock), is retried with backoff before the run fails.
    /// </summary>
    [SettingRange(0, 20)]
    public int ConnectRetries { get; set; } = 3;

    /// <summary>The first wait before a retry; each next wait doubles it (with jitter).</summary>
    [SettingRange(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "'{0}' deve ser uma duração entre {1} e {2}, como 00:00:01.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public DatabaseProvider ProviderKind =>
        ParseProvider(Provider) ?? throw new InvalidOperationException($"Database:Provider '{Provider}' is not supported.");

    /// <summary>Exactly one of the engine names (any case, surrounding blanks ignored); not a number, not a combination.</summary>
    public static DatabaseProvider? ParseProvider(string? value)
    {
        var name = value?.Trim();
        return Enum.GetValues<DatabaseProvider>().Cast<DatabaseProvider?>()
            .FirstOrDefault(p => string.Equals(p.ToString(), name, StringComparison.OrdinalIgnoreCase));
    }

    string ISettingsSection.SectionName => Section;

    /// <summary>The engine, and a connection string its driver can read.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ParseProvider(Provider) is not { } provider)
        {
            yield return SettingProblem.At($"{Section}:{nameof(Provider)}", $"'{Provider}' não é suportado; use {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.");
        }
        else if (SqlDialect.NeedsConnectionString(provider) && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return SettingProblem.At($"{Section}:{nameof(ConnectionString)}", $"obrigatória quando Database:Provider é {provider}.");
        }
        else if (!string.IsNullOrWhiteSpace(ConnectionString) && SqlDialect.CheckConnectionString(provider, ConnectionString) is { } error)
        {
            yield return SettingProblem.At($"{Section}:{nameof(ConnectionString)}", error);
        }
    }
}

[OptionsValidator]
internal sealed partial class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>;
