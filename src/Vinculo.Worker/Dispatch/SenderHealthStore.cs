using System.Data.Common;
using Dapper;
using Vinculo.Data;

namespace Vinculo.Dispatch;

/// <summary>A row of <c>sender_health</c> waiting to be applied.</summary>
public sealed class PendingSignal
{
    public long HealthId { get; set; }

    public string Field { get; set; } = "";

    public string? Event { get; set; }

    public string? Tier { get; set; }

    public string? TemplateName { get; set; }

    public string? TemplateLanguage { get; set; }

    public string? BanState { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset OccurredAt { get; set; }
}

/// <summary>A content paused by one of Meta's template signals, as <c>report</c> and <c>content list</c> show it.</summary>
public sealed class PausedTemplate
{
    public long ContentId { get; set; }

    public string Name { get; set; } = "";

    public string? TemplateName { get; set; }

    public string? TemplateLanguage { get; set; }

    public DateTimeOffset PausedAt { get; set; }

    public string? PausedReason { get; set; }
}

/// <summary>
/// The SQL of Meta's sender signals (<c>sender_health</c>): the rows waiting to be applied, the claim that applies each
/// once, the effects (contents paused or resumed by template name and language, their queue cancelled, a halt), and the
/// number's state as planning, dispatch, <c>report</c> and <c>health</c> read it.
/// </summary>
public sealed class SenderHealthStore(Database database) : ISqlStatements
{
    /// <summary><c>contents.paused_reason</c> of a pause made by one of Meta's template signals; only those are lifted by an APPROVED.</summary>
    public const string PausedReasonPrefix = "meta_template";

    /// <summary><c>message_queue.status_reason</c> of the messages cancelled because Meta paused, disabled or rejected their template.</summary>
    public const string TemplatePausedReason = "template_paused";

    /// <summary><c>sender_health.action</c> and <c>reason</c> hold at most this much on every engine.</summary>
    public const int TextWidth = 400;

    private const string ClaimSql = "UPDATE sender_health SET applied_at = @now, action = 'applying' WHERE health_id = @id AND applied_at IS NULL";

    private const string ActionSql = "UPDATE sender_health SET action = @action WHERE health_id = @id";

    private const string PauseSql =
        "UPDATE contents SET paused_at = @now, paused_reason = @reason, updated_at = @now " +
        "WHERE template_name = @name AND template_language = @language AND paused_at IS NULL";

    private const string CancelQueuedSql =
        "UPDATE message_queue SET status = 'cancelled', status_reason = 'template_paused', updated_at = @now WHERE status = 'queued' AND content_id IN " +
        "(SELECT content_id FROM contents WHERE template_name = @name AND template_language = @language AND paused_at IS NOT NULL)";

    private const string ResumeSql =
        "UPDATE contents SET paused_at = NULL, paused_reason = NULL, resumed_at = @now, updated_at = @now " +
        "WHERE template_name = @name AND template_language = @language AND paused_at IS NOT NULL AND paused_reason LIKE @prefix";

    /// <remarks>As a refused send's halt, only when none is open; no error code: Meta said it in a webhook, not in a send's answer.</remarks>
    private const string HaltSql =
        "INSERT INTO dispatch_halts (error_code, reason, halted_at, node, message_id) SELECT NULL, @reason, @now, @node, NULL " +
        "WHERE NOT EXISTS (SELECT 1 FROM dispatch_halts WHERE resumed_at IS NULL)";

    private const string QualitySql =
        "SELECT event AS Event, tier AS Tier, occurred_at AS OccurredAt FROM sender_health " +
        "WHERE field = 'phone_number_quality_update' AND applied_at IS NOT NULL ORDER BY occurred_at, health_id";

    private const string PausedTemplatesSql =
        "SELECT content_id AS ContentId, name AS Name, template_name AS TemplateName, template_language AS TemplateLanguage, paused_at AS PausedAt, " +
        "paused_reason AS PausedReason FROM contents WHERE paused_at IS NOT NULL AND paused_reason LIKE @prefix ORDER BY paused_at, content_id";

    private string PendingSql =>
        $"SELECT {database.Dialect.Top("@limit")} health_id AS HealthId, field AS Field, event AS Event, tier AS Tier, template_name AS TemplateName, " +
        "template_language AS TemplateLanguage, ban_state AS BanState, reason AS Reason, occurred_at AS OccurredAt FROM sender_health " +
        $"WHERE applied_at IS NULL ORDER BY occurred_at, health_id {database.Dialect.Limit("@limit")}";

    public IEnumerable<string> Statements =>
        new[] { ClaimSql, ActionSql, PauseSql, CancelQueuedSql, ResumeSql, HaltSql, QualitySql, PausedTemplatesSql, PendingSql }.Select(database.Sql);

    /// <summary>Signals not applied yet, in the order Meta says they happened.</summary>
    public async Task<List<PendingSignal>> PendingAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<PendingSignal>(database.Command(PendingSql, new { limit }, cancellationToken))).AsList();
    }

    /// <summary>Marks the signal applied inside the caller's transaction; false when another run has it.</summary>
    public async Task<bool> ClaimAsync(DbConnection connection, DbTransaction transaction, long id, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(database.Command(ClaimSql, new { id, now }, cancellationToken, transaction)) == 1;

    public Task SetActionAsync(DbConnection connection, DbTransaction transaction, long id, string action, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(database.Command(ActionSql, new { id, action = Fit(action) }, cancellationToken, transaction));

    /// <summary>Pauses the contents sending that template and cancels their queued messages: (contents paused, messages cancelled).</summary>
    public async Task<(int Paused, int Cancelled)> PauseTemplateAsync(
        DbConnection connection, DbTransaction transaction, string name, string language, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var paused = await connection.ExecuteAsync(database.Command(PauseSql, new { name, language, reason = Fit(reason), now }, cancellationToken, transaction));
        var cancelled = await connection.ExecuteAsync(database.Command(CancelQueuedSql, new { name, language, now }, cancellationToken, transaction));
        return (paused, cancelled);
    }

    /// <summary>Lifts the pauses Meta's signals made on the contents sending that template (never a circuit breaker's or a person's).</summary>
    public Task<int> ResumeTemplateAsync(DbConnection connection, DbTransaction transaction, string name, string language, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(database.Command(ResumeSql, new { name, language, now, prefix = PausedReasonPrefix + "%" }, cancellationToken, transaction));

    /// <returns>Whether a halt was opened (false: one was open already).</returns>
    public async Task<bool> HaltAsync(DbConnection connection, DbTransaction transaction, string reason, string node, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(database.Command(HaltSql, new { reason = Fit(reason), node, now }, cancellationToken, transaction)) == 1;

    /// <summary>The number's tier and flag as Meta last reported them (only applied signals count).</summary>
    public async Task<SenderState> StateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await StateAsync(connection, null, cancellationToken);
    }

    public async Task<SenderState> StateAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken) =>
        SenderState.From((await connection.QueryAsync<QualityRow>(database.Command(QualitySql, null, cancellationToken, transaction)))
            .Select(r => new QualitySignal(r.Event, r.Tier, r.OccurredAt)));

    /// <summary>Contents paused by Meta's template signals, oldest pause first.</summary>
    public async Task<List<PausedTemplate>> PausedTemplatesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<PausedTemplate>(database.Command(PausedTemplatesSql, new { prefix = PausedReasonPrefix + "%" }, cancellationToken))).AsList();
    }

    private static string Fit(string text) => text.Length <= TextWidth ? text : text[..TextWidth];

    private sealed class QualityRow
    {
        public string? Event { get; set; }

        public string? Tier { get; set; }

        public DateTimeOffset OccurredAt { get; set; }
    }
}
