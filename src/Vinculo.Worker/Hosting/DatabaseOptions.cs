using Microsoft.Extensions.Options;
using Vinculo.Data;

namespace Vinculo.Hosting;

/// <summary>The <c>Database</c> section: which engine, where it is, and how the worker treats it.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (default), <c>Postgres</c> or <c>SqlServer</c>. Kept as text so a bad value is reported, not thrown.</summary>
    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    /// <summary>Defaults to a SQLite file under <c>data/</c>; required for the other engines.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Create or upgrade the schema when the scheduler starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many times opening a connection, and then a unit of a job's work that failed on a transient error (a dropped
    /// connection, a restart, a deadlock), is retried with backoff before the run fails.
    /// </summary>
    public int ConnectRetries { get; set; } = 3;

    /// <summary>The first wait before a retry; each next wait doubles it (with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public const string DefaultSqliteConnectionString = "Data Source=data/vinculo.db";

    public DatabaseProvider ProviderKind =>
        ParseProvider(Provider) ?? throw new InvalidOperationException($"Database:Provider '{Provider}' is not supported.");

    /// <summary>Exactly one of the engine names (any case, surrounding blanks ignored); not a number, not a combination.</summary>
    public static DatabaseProvider? ParseProvider(string? value)
    {
        var name = value?.Trim();
        return Enum.GetValues<DatabaseProvider>().Cast<DatabaseProvider?>()
            .FirstOrDefault(p => string.Equals(p.ToString(), name, StringComparison.OrdinalIgnoreCase));
    }
}

internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var failures = new List<string>();
        var known = string.Join(", ", Enum.GetNames<DatabaseProvider>());
        if (DatabaseOptions.ParseProvider(options.Provider) is not { } provider)
        {
            failures.Add($"Database:Provider: '{options.Provider}' não é suportado; use {known}.");
        }
        else if (provider != DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"Database:ConnectionString: obrigatória quando Database:Provider é {provider}.");
        }
        else if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var error = SqlDialect.CheckConnectionString(provider, options.ConnectionString);
            if (error is not null)
            {
                failures.Add($"Database:ConnectionString: {error}");
            }
        }

        if (options.CommandTimeout <= TimeSpan.Zero || options.CommandTimeout > TimeSpan.FromDays(1))
        {
            failures.Add($"Database:CommandTimeout: '{options.CommandTimeout}' deve ser uma duração positiva de até um dia, como 00:05:00.");
        }

        if (options.ConnectRetries is < 0 or > 20)
        {
            failures.Add($"Database:ConnectRetries: '{options.ConnectRetries}' deve estar entre 0 e 20.");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Database:RetryDelay: '{options.RetryDelay}' deve ser uma duração entre 00:00:00 e 00:01:00, como 00:00:01.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
