using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Vinculo.Hosting;

namespace Vinculo.Data;

/// <summary>
/// The configured database: opens connections (retrying transient faults with backoff) and knows
/// its dialect. Features take this and write plain parameterised SQL.
/// </summary>
public sealed partial class Database
{
    private static readonly ResiliencePropertyKey<UnitAttempt> AttemptKey = new("vinculo.unit-attempt");

    private readonly ResiliencePipeline connectPipeline;
    private readonly ResiliencePipeline unitPipeline;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> expanded = new(StringComparer.Ordinal);
    private readonly ILogger<Database> logger;

    public Database(SqlDialect dialect, IOptions<DatabaseOptions> options, TimeProvider timeProvider, ILogger<Database> logger)
    {
        Dialect = dialect;
        TimeProvider = timeProvider;
        this.logger = logger;
        CommandTimeoutSeconds = (int)Math.Ceiling(options.Value.CommandTimeout.TotalSeconds);
        DapperSetup.EnsureConfigured();

        // Connecting: retried on any transient failure.
        connectPipeline = RetryPipeline(
            options.Value, timeProvider, args => dialect.IsTransient(args.Outcome.Exception!),
            args => Log.DatabaseRetry(logger, Dialect.Provider, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.GetType().Name));

        // A unit of work: retried on a transient failure, except a failed connect (already retried above, so the delays do
        // not multiply) and a failure once its commit was sent (the commit may have landed; see UnitAttempt).
        unitPipeline = RetryPipeline(
            options.Value, timeProvider,
            args => args.Outcome.Exception is not DatabaseUnavailableException
                && !(args.Context.Properties.TryGetValue(AttemptKey, out var attempt) && attempt.CommitStarted)
                && dialect.IsTransient(args.Outcome.Exception!),
            args => Log.UnitRetry(logger, args.Context.OperationKey ?? "?", args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.GetType().Name));
    }

    /// <summary><c>Database:ConnectRetries</c> retries with exponential backoff from <c>Database:RetryDelay</c>, of failures <paramref name="handles"/> accepts.</summary>
    private static ResiliencePipeline RetryPipeline(
        DatabaseOptions options, TimeProvider timeProvider, Func<RetryPredicateArguments<object>, bool> handles, Action<OnRetryArguments<object>> onRetry)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (options.ConnectRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && handles(args)),
                MaxRetryAttempts = options.ConnectRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                OnRetry = args =>
                {
                    onRetry(args);
                    return default;
                },
            });
        }

        return builder.Build();
    }

    public SqlDialect Dialect { get; }

    /// <summary>
    /// Runs <paramref name="work"/> again, with the connection retries' back-off (<c>Database:ConnectRetries</c>), when it
    /// fails on a transient error: a deadlock between nodes starting at once, the database restarting. Only for work that
    /// may run twice (it commits nothing half-way, or what it commits it finds done the second time).
    /// </summary>
    public async Task RetryTransientAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        await connectPipeline.ExecuteAsync(async token => await work(token), cancellationToken);

    /// <summary>
    /// Runs one unit of a job's work that a second run finds done (a write of values, not an addition: a classification, an
    /// expiry, a claim guarded by its status), and runs it again, up to <c>Database:ConnectRetries</c> times with backoff, when
    /// it fails on a transient error: a dropped connection, the database restarting, a deadlock, SQLite busy. Other errors, and
    /// a transient one that outlasts the retries, reach the job, whose run is then recorded failed.
    /// </summary>
    /// <param name="unit">The unit's name, for the warning each retry logs (never data).</param>
    public Task<T> RunUnitAsync<T>(string unit, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunUnitAsync(unit, (_, token) => work(token), cancellationToken);

    /// <summary>
    /// Runs one unit of a job's work that adds rows, retried as <see cref="RunUnitAsync{T}(string, Func{CancellationToken, Task{T}}, CancellationToken)"/>
    /// is, but only while it has not sent its commit: <paramref name="work"/> commits through
    /// <see cref="UnitAttempt.CommitAsync"/>, and a failure from then on is not retried (the commit may have landed, and a
    /// second run would add its rows again); the job fails and its next run starts from what the database holds.
    /// </summary>
    public async Task<T> RunUnitAsync<T>(string unit, Func<UnitAttempt, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(unit, cancellationToken);
        try
        {
            return await unitPipeline.ExecuteAsync(
                async ctx =>
                {
                    var attempt = new UnitAttempt();
                    ctx.Properties.Set(AttemptKey, attempt);
                    return await work(attempt, ctx.CancellationToken);
                },
                context);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public TimeProvider TimeProvider { get; }

    public int CommandTimeoutSeconds { get; }

    /// <summary>An open connection, prepared for this engine. Throws <see cref="DatabaseUnavailableException"/> once retries are spent.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken, bool pooled = true)
    {
        try
        {
            return await connectPipeline.ExecuteAsync(
                async ct =>
                {
                    var connection = Dialect.CreateConnection(pooled);
                    try
                    {
                        await connection.OpenAsync(ct);
                        await Dialect.PrepareAsync(connection, ct);
                        return connection;
                    }
                    catch
                    {
                        await connection.DisposeAsync();
                        throw;
                    }
                },
                cancellationToken);
        }
        catch (Exception e) when (e is DbException or TimeoutException or System.Net.Sockets.SocketException or IOException or InvalidOperationException)
        {
            Log.DatabaseUnavailable(logger, Dialect.DescribeTarget(), e.GetType().Name);
            throw new DatabaseUnavailableException(
                $"Não foi possível conectar ao {Dialect.DescribeTarget()}: {DatabaseUnavailableException.Summarise(e)}", e);
        }
    }

    /// <summary>
    /// Expands each <c>column IN @list</c> of <paramref name="sql"/> into this engine's one-parameter list test
    /// (<see cref="SqlDialect.InList"/>); the parameter's value comes from <see cref="List{T}"/>.
    /// </summary>
    /// <remarks>Each text is expanded once: stores call this for every statement they send.</remarks>
    public string Sql(string sql) => expanded.GetOrAdd(sql, text => ListTest().Replace(text, m => Dialect.InList(m.Groups[1].Value, "@" + m.Groups[2].Value)));

    /// <summary>The value of a list parameter (see <see cref="Sql"/>).</summary>
    public object List<T>(IEnumerable<T> values) => Dialect.ListParameter(values);

    [System.Text.RegularExpressions.GeneratedRegex(@"([\w.]+) IN @(\w+)")]
    private static partial System.Text.RegularExpressions.Regex ListTest();

    /// <summary>A cursor over the rows of <paramref name="sql"/> (<see cref="RowReader"/>), with the configured timeout.</summary>
    public Task<RowReader> ReadRowsAsync(DbConnection connection, string sql, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken) =>
        Dialect.ReadRowsAsync(connection, sql, parameters, CommandTimeoutSeconds, cancellationToken);

    /// <summary>A bulk write (<see cref="SqlDialect.BulkWriteAsync"/>) in a transaction of its own; nothing for no rows.</summary>
    public Task<int> BulkWriteAsync(BulkWrite write, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        BulkWriteAsync(write, BulkRows.Of(rows), cancellationToken);

    /// <summary>A bulk write of rows in a form of the caller's own (see <see cref="BulkRows"/>), in a transaction of its own.</summary>
    public async Task<int> BulkWriteAsync(BulkWrite write, BulkRows rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await Dialect.BulkWriteAsync(connection, transaction, write, rows, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    /// <summary>A <see cref="Dapper.CommandDefinition"/> with the configured timeout.</summary>
    public Dapper.CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        new(sql, parameters, transaction, CommandTimeoutSeconds, cancellationToken: cancellationToken);
}

/// <summary>One attempt at a unit of work (<see cref="Database.RunUnitAsync{T}(string, Func{UnitAttempt, CancellationToken, Task{T}}, CancellationToken)"/>).</summary>
public sealed class UnitAttempt
{
    /// <summary>Whether the commit was sent: from then on a failure may hide a commit that landed.</summary>
    public bool CommitStarted { get; private set; }

    /// <summary>Commits <paramref name="transaction"/>; a failure from here on is not retried.</summary>
    public async Task CommitAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        CommitStarted = true;
        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>The database could not be reached after the configured retries.</summary>
public sealed class DatabaseUnavailableException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>The driver's own message, without anything that could echo a password.</summary>
    internal static string Summarise(Exception e)
    {
        var message = e.Message.Split('\n')[0].Trim();
        return message.Contains("password", StringComparison.OrdinalIgnoreCase) && !message.Contains("authentication", StringComparison.OrdinalIgnoreCase)
            ? e.GetType().Name
            : message;
    }
}
