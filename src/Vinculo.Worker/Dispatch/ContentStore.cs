using Dapper;
using Vinculo.Data;

namespace Vinculo.Dispatch;

/// <summary>One content as <c>content list</c> shows it.</summary>
public sealed class ContentSummary
{
    public long ContentId { get; set; }

    public string Name { get; set; } = "";

    public string? Category { get; set; }

    public string? TemplateName { get; set; }

    public bool Active { get; set; }

    public DateTimeOffset? PausedAt { get; set; }

    public string? PausedReason { get; set; }

    public long Queued { get; set; }

    public long Sent { get; set; }

    public long ReadCount { get; set; }

    public long Sent24h { get; set; }

    /// <summary>Distinct numbers that opted out after receiving this content, ever.</summary>
    public long OptedOut { get; set; }
}

/// <summary>The contents with their send and opt-out figures, and lifting a pause.</summary>
public sealed class ContentStore(Database database) : ISqlStatements
{
    private const string ListSql =
        "SELECT c.content_id AS ContentId, c.name AS Name, c.category AS Category, c.template_name AS TemplateName, c.active AS Active, " +
        "c.paused_at AS PausedAt, c.paused_reason AS PausedReason, " +
        "(SELECT COUNT(*) FROM message_queue q WHERE q.content_id = c.content_id AND q.status = 'queued') AS Queued, " +
        "(SELECT COUNT(*) FROM message_queue q WHERE q.content_id = c.content_id AND q.status IN ('sent', 'delivered', 'read')) AS Sent, " +
        "(SELECT COUNT(*) FROM message_queue q WHERE q.content_id = c.content_id AND q.status = 'read') AS ReadCount, " +
        "(SELECT COUNT(*) FROM message_queue q WHERE q.content_id = c.content_id AND q.sent_at >= @since) AS Sent24h " +
        "FROM contents c ORDER BY c.content_id";

    private const string OptedOutSql =
        "SELECT q.content_id AS ContentId, COUNT(DISTINCT q.phone_e164) AS OptedOut FROM message_queue q " +
        "WHERE q.sent_at IS NOT NULL AND q.phone_e164 <> 'erased' AND EXISTS (SELECT 1 FROM contacts k JOIN consent_events e ON e.contact_id = k.contact_id " +
        "WHERE k.phone_e164 = q.phone_e164 AND e.event = 'revoked' AND e.occurred_at >= q.sent_at) GROUP BY q.content_id";

    private const string ResumeSql =
        "UPDATE contents SET paused_at = NULL, paused_reason = NULL, resumed_at = @now, updated_at = @now WHERE content_id = @id AND paused_at IS NOT NULL";

    private const string ExistsSql = "SELECT COUNT(*) FROM contents WHERE content_id = @id";

    public IEnumerable<string> Statements => [ListSql, OptedOutSql, ResumeSql, ExistsSql];

    public async Task<List<ContentSummary>> ListAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var contents = (await connection.QueryAsync<ContentSummary>(database.Command(ListSql, new { since = now.AddHours(-24) }, cancellationToken))).AsList();
        var optedOut = (await connection.QueryAsync<ContentFigures>(database.Command(OptedOutSql, null, cancellationToken)))
            .ToDictionary(r => r.ContentId, r => r.OptedOut);
        foreach (var content in contents)
        {
            content.OptedOut = optedOut.GetValueOrDefault(content.ContentId);
        }

        return contents;
    }

    /// <summary>Lifts a content's pause: null when there is no such content, false when it was not paused.</summary>
    public async Task<bool?> ResumeAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (await connection.ExecuteAsync(database.Command(ResumeSql, new { id, now }, cancellationToken)) > 0)
        {
            return true;
        }

        return await connection.ExecuteScalarAsync<long>(database.Command(ExistsSql, new { id }, cancellationToken)) > 0 ? false : null;
    }
}
