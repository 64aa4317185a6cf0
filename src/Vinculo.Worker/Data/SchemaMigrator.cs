using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using EvolveDb;
using EvolveDb.Dialect;
using EvolveDb.Migration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Hosting;

namespace Vinculo.Data;

/// <summary>
/// Creates or upgrades the schema: Vinculo's numbered migrations for the configured engine
/// (embedded from <c>sql/&lt;engine&gt;/</c>, applied by Evolve, which records them in
/// <c>schema_history</c>), then Quartz's own tables from the create script embedded in the pinned
/// Quartz assembly (every statement there creates only what is missing).
/// </summary>
public sealed partial class SchemaMigrator(Database database, IOptions<DatabaseOptions> options, ILogger<SchemaMigrator> logger) : ISqlStatements
{
    private const string AppliedVersionsSql = $"SELECT version FROM {HistoryTable} WHERE success = @success AND type = @type";

    public const string HistoryTable = "schema_history";
    public const string QuartzTablePrefix = "QRTZ_";

    private static readonly Assembly Self = typeof(SchemaMigrator).Assembly;

    private SqlDialect Dialect => database.Dialect;

    public IEnumerable<string> Statements => [AppliedVersionsSql, Dialect.TableExistsSql, .. QuartzSchemaStatements(Dialect)];

    private string ResourcePrefix => $"Vinculo.sql.{Dialect.MigrationFolder}.";

    /// <summary>The migrations this build carries for the configured engine, in order.</summary>
    public IReadOnlyList<(MigrationVersion Version, string Resource)> KnownMigrations() =>
        Self.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(name => (Version: new MigrationVersion(VersionPattern().Match(name[ResourcePrefix.Length..]).Groups[1].Value), Resource: name))
            .OrderBy(m => m.Version)
            .ToList();

    public async Task<SchemaStatus> MigrateAsync(CancellationToken cancellationToken)
    {
        // Evolve locks its own work on the server engines, but Quartz's script runs after it, and on
        // SQLite Evolve takes no lock at all: one migrator at a time, whatever the engine.
        await using var migrationLease = await AcquireMigrationLeaseAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        var before = await InspectAsync(connection, cancellationToken);
        if (before.IsNewerThanCode)
        {
            throw new SchemaMismatchException(before.NewerMessage());
        }

        var evolve = new Evolve(connection, message => Log.Migration(logger, message), ToEvolveDbms(Dialect.Provider))
        {
            EmbeddedResourceAssemblies = [Self],
            EmbeddedResourceFilters = [ResourcePrefix],
            MetadataTableName = HistoryTable,
            IsEraseDisabled = true,
            EnableClusterMode = true,
            CommandTimeout = database.CommandTimeoutSeconds,
            // Nothing in our scripts is a placeholder; a literal "${" must stay literal.
            PlaceholderPrefix = "${vinculo:",
        };
        try
        {
            evolve.Migrate();
        }
        catch (EvolveException e)
        {
            ForgetConnection(connection);
            throw new SchemaMismatchException($"A migração do {Dialect.DescribeTarget()} falhou: {e.Message}", e);
        }
        catch
        {
            ForgetConnection(connection);
            throw;
        }

        var quartzStatements = await ApplyQuartzSchemaAsync(connection, cancellationToken);
        var after = await InspectAsync(connection, cancellationToken);
        return after with { AppliedNow = evolve.AppliedMigrations.ToList(), QuartzStatements = quartzStatements };
    }

    /// <summary>
    /// A SQLite script that runs outside Evolve's transaction (V009 rebuilds tables with foreign keys off) and fails halfway
    /// leaves its own transaction open and the pragmas changed on the connection: never hand that connection out again.
    /// </summary>
    private static void ForgetConnection(DbConnection connection)
    {
        if (connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearPool(sqlite);
        }
    }

    /// <summary>Reads what the database holds without changing it.</summary>
    public async Task<SchemaStatus> InspectAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await InspectAsync(connection, cancellationToken);
    }

    /// <summary>
    /// What every verb that needs the schema does first, as the scheduler does at start: with <c>Database:MigrateOnStart</c>
    /// (the default) a missing or older schema is migrated; without it, it is refused with a message saying to run
    /// <c>vinculo migrate</c>. A schema already current is only read, never written.
    /// </summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
        {
            await EnsureCurrentAsync(cancellationToken);
            return;
        }

        var before = await InspectAsync(cancellationToken);
        if (before.PendingCount == 0 && before.QuartzTablesPresent && !before.IsNewerThanCode)
        {
            return;
        }

        var after = await MigrateAsync(cancellationToken);
        Log.SchemaReady(logger, after.Target, after.CodeVersion.Label);
    }

    /// <summary>For a start without <c>MigrateOnStart</c>: the schema must be exactly what this build expects.</summary>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        var status = await InspectAsync(cancellationToken);
        if (status.IsNewerThanCode)
        {
            throw new SchemaMismatchException(status.NewerMessage());
        }

        if (status.PendingCount > 0 || !status.QuartzTablesPresent)
        {
            throw new SchemaMismatchException(
                $"O esquema do {Dialect.DescribeTarget()} não está atualizado (versão no banco: {status.DatabaseVersion?.Label ?? "nenhuma"}; " +
                $"esta versão do Vinculo espera {status.CodeVersion.Label}). Execute 'vinculo migrate': com Database:MigrateOnStart=false, " +
                "o Vinculo não altera o esquema sozinho.");
        }
    }

    private async Task<SchemaStatus> InspectAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var known = KnownMigrations();
        var codeVersion = known[^1].Version;
        MigrationVersion? databaseVersion = null;
        if (await TableExistsAsync(connection, HistoryTable, cancellationToken))
        {
            var versions = await connection.QueryAsync<string>(database.Command(
                AppliedVersionsSql,
                new { success = true, type = (int)EvolveDb.Metadata.MetadataType.Migration },
                cancellationToken));
            databaseVersion = versions.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => new MigrationVersion(v)).DefaultIfEmpty().Max();
        }

        var pending = known.Count(m => databaseVersion is null || m.Version > databaseVersion);
        var quartz = await TableExistsAsync(connection, QuartzTablePrefix + "LOCKS", cancellationToken)
            || await TableExistsAsync(connection, (QuartzTablePrefix + "LOCKS").ToLowerInvariant(), cancellationToken);
        return new SchemaStatus(Dialect.DescribeTarget(), databaseVersion, codeVersion, pending, quartz, [], 0);
    }

    private async Task<bool> TableExistsAsync(DbConnection connection, string name, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(database.Command(Dialect.TableExistsSql, new { name }, cancellationToken)) > 0;

    private async Task<int> ApplyQuartzSchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var statements = QuartzSchemaStatements(Dialect);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var statement in statements)
        {
            await connection.ExecuteAsync(database.Command(statement, null, cancellationToken, transaction));
        }

        await transaction.CommitAsync(cancellationToken);
        return statements.Count;
    }

    /// <summary>The pinned Quartz version's own create script for this engine, split as Quartz splits it.</summary>
    public static IReadOnlyList<string> QuartzSchemaStatements(SqlDialect dialect)
    {
        using var stream = typeof(Quartz.IJob).Assembly.GetManifestResourceStream(dialect.QuartzSchemaResource)
            ?? throw new InvalidOperationException($"The Quartz assembly does not embed {dialect.QuartzSchemaResource}.");
        using var reader = new StreamReader(stream);
        var script = reader.ReadToEnd().Replace("{0}", QuartzTablePrefix, StringComparison.Ordinal).Replace("{1}", QuartzTablePrefix, StringComparison.Ordinal);
        return StatementSeparator().Split(script)
            .Where(piece => piece.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("--", StringComparison.Ordinal)))
            .Select(piece => piece.Trim())
            .ToList();
    }

    private async Task<Lease> AcquireMigrationLeaseAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var lease = await Dialect.TryAcquireLeaseAsync(database, "migrate", cancellationToken);
            if (lease is not null)
            {
                return lease;
            }

            if (attempt >= 60)
            {
                throw new SchemaMismatchException($"Outro processo está migrando o {Dialect.DescribeTarget()} há mais de um minuto.");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), database.TimeProvider, cancellationToken);
        }
    }

    private static DBMS ToEvolveDbms(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => DBMS.SQLite,
        DatabaseProvider.Postgres => DBMS.PostgreSQL,
        DatabaseProvider.SqlServer => DBMS.SQLServer,
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    [GeneratedRegex(@"^V([0-9_]+)__", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^--;;\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex StatementSeparator();
}

public sealed record SchemaStatus(
    string Target,
    MigrationVersion? DatabaseVersion,
    MigrationVersion CodeVersion,
    int PendingCount,
    bool QuartzTablesPresent,
    IReadOnlyList<string> AppliedNow,
    int QuartzStatements)
{
    public bool IsNewerThanCode => DatabaseVersion is not null && DatabaseVersion > CodeVersion;

    public string NewerMessage() =>
        $"O {Target} tem o esquema na versão {DatabaseVersion?.Label}, mais nova do que esta versão do Vinculo conhece ({CodeVersion.Label}). " +
        "Atualize o Vinculo antes de usá-lo com este banco.";
}

/// <summary>The schema is missing, behind, ahead of the code, or could not be migrated: a set-up problem, exit code 2.</summary>
public sealed class SchemaMismatchException : Exception
{
    public SchemaMismatchException(string message)
        : base(message)
    {
    }

    public SchemaMismatchException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
