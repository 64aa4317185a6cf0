using System.Data.Common;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vinculo.Cli;
using Vinculo.Data;
using Vinculo.Hosting;

namespace Vinculo.Engines;

/// <summary>A database of one test's own, and the ways a test reaches it: the command line, a host, or plain SQL.</summary>
public sealed partial class TestDatabase(DatabaseProvider provider, string connectionString, string contentRoot, Func<Task> drop) : IAsyncDisposable
{
    public DatabaseProvider Provider { get; } = provider;

    public string ConnectionString { get; } = connectionString;

    /// <summary>A folder of the test's own, used as the worker's content root (no appsettings.json in it).</summary>
    public string ContentRoot { get; } = contentRoot;

    public IReadOnlyList<string> ConfigurationArgs =>
    [
        $"--Database:Provider={Provider}",
        $"--Database:ConnectionString={ConnectionString}",
        "--Database:ConnectRetries=0",
    ];

    /// <summary>Runs the command line as a user would, against this database.</summary>
    public Task<CliResult> CliAsync(IEnumerable<string> args, Action<HostApplicationBuilder>? configureHost = null, CancellationToken cancellationToken = default) =>
        // The test's own arguments come last, so they override the database it was given.
        CliResult.CaptureAsync(ContentRoot, configureHost, context => VinculoCommandLine.InvokeAsync([.. ConfigurationArgs, .. args], context), cancellationToken);

    /// <summary>A host wired as the command line wires it, for tests that drive services directly.</summary>
    public IHost BuildHost(TimeProvider? clock = null, Action<HostApplicationBuilder>? configureHost = null, IEnumerable<string>? extraArgs = null)
    {
        var builder = VinculoHost.CreateBuilder([.. ConfigurationArgs, .. extraArgs ?? []], ContentRoot);
        builder.Services.AddSingleton(clock ?? TimeProvider.System);
        configureHost?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>A host that runs the scheduler, wired exactly as the command line's default verb wires it.</summary>
    public IHost BuildSchedulerHost(Action<HostApplicationBuilder>? configureHost = null, IEnumerable<string>? extraArgs = null)
    {
        var builder = VinculoHost.CreateBuilder([.. ConfigurationArgs, .. extraArgs ?? []], ContentRoot);
        builder.Services.AddSingleton(TimeProvider.System);
        configureHost?.Invoke(builder);
        return builder.BuildSchedulerHost();
    }

    public async Task MigrateAsync()
    {
        using var host = BuildHost();
        await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None);
    }

    public async Task<DbConnection> OpenAsync()
    {
        var connection = SqlDialect.Create(Provider, ConnectionString, ContentRoot).CreateConnection();
        await connection.OpenAsync();
        if (Provider == DatabaseProvider.Sqlite)
        {
            await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;");
        }

        return connection;
    }

    public async Task<IReadOnlyList<string>> ColumnsAsync(string table)
    {
        var sql = Provider switch
        {
            DatabaseProvider.Sqlite => "SELECT name FROM pragma_table_info(@table)",
            DatabaseProvider.Postgres => "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table",
            _ => "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = @table",
        };
        await using var connection = await OpenAsync();
        return (await connection.QueryAsync<string>(sql, new { table })).Select(c => c.ToLowerInvariant()).ToList();
    }

    public async ValueTask DisposeAsync() => await drop();
}

public sealed record CliResult(int ExitCode, string Output, string Error, CapturedLogs Logs)
{
    /// <summary>
    /// Runs <paramref name="invoke"/> with a command-line context rooted at <paramref name="contentRoot"/> whose output, errors
    /// and logs are kept, its hosts extended by <paramref name="configureHost"/>.
    /// </summary>
    public static async Task<CliResult> CaptureAsync(
        string contentRoot, Action<HostApplicationBuilder>? configureHost, Func<CommandLineContext, Task<int>> invoke, CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var logs = new CapturedLogs();
        var context = new CommandLineContext(output, error)
        {
            ConfigureHost = builder =>
            {
                builder.Logging.AddProvider(logs);
                configureHost?.Invoke(builder);
            },
            ContentRoot = contentRoot,
            CancellationToken = cancellationToken,
        };
        var exitCode = await invoke(context);
        return new CliResult(exitCode, output.ToString(), error.ToString(), logs);
    }

    /// <summary>Everything the run showed: its output, its errors and the log lines at Information or above.</summary>
    public string All => Output + Error + string.Join("\n", Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Information).Select(e => e.Text));
}
