using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Data;

namespace Vinculo.Dispatch;

/// <summary>One content's last 24 hours: distinct numbers it reached, and how many of them opted out after receiving it.</summary>
public sealed class ContentFigures
{
    public long ContentId { get; set; }

    public long Recipients { get; set; }

    public long OptedOut { get; set; }
}

/// <summary>
/// The content circuit breaker (SPEC section 6): a content that trips (<see cref="ContentTrip"/>) is paused, with the
/// figures in <c>paused_reason</c>, and its queued messages are cancelled (<c>content_paused</c>): a message that
/// drives people away hurts the sender's quality rating, and with it every other message. A person opted out after
/// receiving it when a <c>revoked</c> consent event of a live row of their number is dated at or after the send. After
/// a person lifts a pause (<c>content resume</c>), only what was sent since counts.
/// </summary>
public sealed class ContentBreaker(Database database, IOptions<DispatchOptions> options, ILogger<ContentBreaker> logger) : ISqlStatements
{
    public const string PausedReasonPrefix = ContentTrip.PausedReasonPrefix;

    /// <remarks>The opt-out flag is computed per message first: SQL Server refuses a subquery inside an aggregate.</remarks>
    private const string FiguresSql =
        "SELECT x.content_id AS ContentId, COUNT(DISTINCT x.phone_e164) AS Recipients, " +
        "COUNT(DISTINCT CASE WHEN x.opted_out = 1 THEN x.phone_e164 END) AS OptedOut FROM (" +
        "SELECT q.content_id, q.phone_e164, CASE WHEN EXISTS (SELECT 1 FROM contacts k JOIN consent_events e ON e.contact_id = k.contact_id " +
        "WHERE k.phone_e164 = q.phone_e164 AND e.event = 'revoked' AND e.occurred_at >= q.sent_at) THEN 1 ELSE 0 END AS opted_out " +
        "FROM message_queue q JOIN contents c ON c.content_id = q.content_id " +
        "WHERE q.sent_at >= @since AND q.sent_at <= @now AND (c.resumed_at IS NULL OR q.sent_at >= c.resumed_at) AND c.paused_at IS NULL " +
        "AND q.phone_e164 <> 'erased') x " +
        "GROUP BY x.content_id";

    private const string PauseSql =
        "UPDATE contents SET paused_at = @now, paused_reason = @reason, updated_at = @now WHERE content_id = @contentId AND paused_at IS NULL";

    private const string CancelQueuedSql =
        "UPDATE message_queue SET status = 'cancelled', status_reason = 'content_paused', updated_at = @now WHERE content_id = @contentId AND status = 'queued'";

    public IEnumerable<string> Statements => [FiguresSql, PauseSql, CancelQueuedSql];

    /// <summary>Every unpaused content's figures of the 24 hours before <paramref name="now"/>.</summary>
    public async Task<List<ContentFigures>> FiguresAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ContentFigures>(database.Command(FiguresSql, new { since = now.AddHours(-24), now }, cancellationToken))).AsList();
    }

    /// <summary>Pauses the contents over the limit; returns (contents paused, queued messages cancelled).</summary>
    public async Task<(int Paused, int Cancelled)> CheckAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var tripped = (await FiguresAsync(now, cancellationToken))
            .Where(f => ContentTrip.Trips(f.Recipients, f.OptedOut, settings.PauseMinSends, settings.PauseOptOutRate))
            .ToList();
        if (tripped.Count == 0)
        {
            return (0, 0);
        }

        var paused = 0;
        var cancelled = 0;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var figures in tripped)
        {
            var reason = ContentTrip.PausedReason(figures.Recipients, figures.OptedOut, settings.PauseOptOutRate);
            if (await connection.ExecuteAsync(database.Command(PauseSql, new { contentId = figures.ContentId, reason, now }, cancellationToken, transaction)) == 0)
            {
                continue;
            }

            paused++;
            var count = await connection.ExecuteAsync(database.Command(CancelQueuedSql, new { contentId = figures.ContentId, now }, cancellationToken, transaction));
            cancelled += count;
            DispatchLog.ContentTripped(logger, figures.ContentId, figures.OptedOut, figures.Recipients, count);
        }

        await transaction.CommitAsync(cancellationToken);
        return (paused, cancelled);
    }
}
