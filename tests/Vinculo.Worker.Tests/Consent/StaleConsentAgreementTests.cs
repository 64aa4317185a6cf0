using System.Globalization;
using CsCheck;
using Dapper;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;

namespace Vinculo.Consent;

/// <summary>
/// The stale-consent rule (SPEC section 4) is written twice: as set-based SQL in <c>expire-consents</c>
/// (<see cref="ConsentExpiryStore"/>), and as <see cref="ConsentFreshness"/> in the core, which the planner and the
/// dispatcher's last check use. On generated consents, with instants at and around both deadlines and written at any
/// offset from UTC, the job expires exactly the consents the core calls stale, with the core's reason, on every engine.
/// </summary>
public abstract class StaleConsentAgreementTests(EngineFixture engine) : EngineSuite(engine)
{
    private const int MaxIdleDays = 30;
    private static readonly DateTimeOffset Night = DateTimeOffset.Parse("2026-11-23T05:30:00Z", CultureInfo.InvariantCulture);
    private static readonly string[] Kinds = ["message_in", "purchase", "read", "reply", "click"];

    /// <summary>
    /// An instant at one of the rule's deadlines (the idle limit, now) or a millisecond, a second or a day either side
    /// (stored instants keep milliseconds), or anywhere from three idle periods before now to one after; written at an
    /// offset a Brazilian, a European or an Asian tool might use.
    /// </summary>
    private static readonly Gen<DateTimeOffset> Instant = Gen.Select(
        Gen.OneOf(
            Gen.Select(
                Gen.OneOf(Night.AddDays(-MaxIdleDays), Night),
                Gen.OneOf(-86_400_000L, -1_000L, -1L, 0L, 1L, 1_000L, 86_400_000L),
                (deadline, ms) => deadline.AddMilliseconds(ms)),
            Gen.Long[-3L * MaxIdleDays * 86_400_000L, MaxIdleDays * 86_400_000L].Select(ms => Night.AddMilliseconds(ms))),
        Gen.OneOf(TimeSpan.FromHours(-5), TimeSpan.FromHours(-3), TimeSpan.Zero, TimeSpan.FromHours(1), TimeSpan.FromMinutes(330), TimeSpan.FromHours(14)),
        (instant, offset) => instant.ToOffset(offset));

    private static readonly Gen<Case> Cases = Gen.Select(
        Gen.OneOf(ConsentStatuses.Granted, ConsentStatuses.Granted, ConsentStatuses.Granted, ConsentStatuses.Revoked, ConsentStatuses.Expired),
        Instant.Nullable(0.15),
        Instant.Nullable(0.6),
        Instant.Nullable(0.6),
        Instant.Nullable(0.5),
        Gen.Select(Gen.OneOf(Kinds), Instant).Array[0, 3],
        (status, granted, confirmed, expires, lastInteraction, interactions) => new Case(status, granted, confirmed, expires, lastInteraction, interactions));

    [SkippableFact]
    public async Task ExpireConsents_ExpiresExactlyWhatConsentFreshnessCallsStale()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var cases = Cases.Array[400].Single(); // One draw of 400 consents; each failure names its case.
        var ids = await WriteAsync(db, cases);

        var run = await new ConsentSeed(db).RunAsync(ExpireConsentsJob.Key, Night, $"--Consent:MaxIdleDays={MaxIdleDays}", "--Consent:ExpireBatchSize=100");

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        var stored = (await connection.QueryAsync<(long Id, string Status, string? Reason)>("SELECT contact_id, status, reason FROM consents"))
            .ToDictionary(row => row.Id);
        var events = (await connection.QueryAsync<long>("SELECT contact_id FROM consent_events WHERE event = 'expired'"))
            .GroupBy(id => id).ToDictionary(group => group.Key, group => group.Count());
        var expected = 0;
        for (var i = 0; i < cases.Length; i++)
        {
            var c = cases[i];
            var core = ConsentFreshness.Evaluate(c.State, c.Activity, MaxIdleDays, Night);
            var row = stored[ids[i]];
            var label = $"case {i}: {c} -> core {core}, job ({row.Status}, {row.Reason})";
            Assert.True(core.IsStale ? row.Status == ConsentStatuses.Expired && row.Reason == core.Reason : row.Status == c.Status, label);
            Assert.True(events.GetValueOrDefault(ids[i]) == (core.IsStale ? 1 : 0), label);
            expected += core.IsStale ? 1 : 0;
        }

        Assert.Equal(expected, run.Result!.Changed);
        // The draw reaches both sides of the rule and both reasons, or it proves little.
        Assert.Contains(cases, c => ConsentFreshness.Evaluate(c.State, c.Activity, MaxIdleDays, Night).IsFresh);
        Assert.Contains(cases, c => ConsentFreshness.Evaluate(c.State, c.Activity, MaxIdleDays, Night).Reason == StaleReasons.Idle);
        Assert.Contains(cases, c => ConsentFreshness.Evaluate(c.State, c.Activity, MaxIdleDays, Night).Reason == StaleReasons.ExpiresAtPassed);
    }

    /// <summary>One contact per case, with its consent, <c>last_interaction_at</c> and interactions, written as any tool would.</summary>
    private static async Task<long[]> WriteAsync(TestDatabase db, Case[] cases)
    {
        var seed = new ConsentSeed(db);
        var ids = new long[cases.Length];
        for (var i = 0; i < cases.Length; i++)
        {
            ids[i] = await seed.ContactAsync(null, Night.AddDays(-400), name: "Cliente " + i.ToString(CultureInfo.InvariantCulture));
        }

        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        for (var i = 0; i < cases.Length; i++)
        {
            var c = cases[i];
            await connection.ExecuteAsync(
                "INSERT INTO consents (contact_id, status, source, granted_at, last_confirmed_at, expires_at, changed_at) " +
                "VALUES (@id, @Status, 'form', @GrantedAt, @LastConfirmedAt, @ExpiresAt, @changedAt)",
                new { id = ids[i], c.Status, c.GrantedAt, c.LastConfirmedAt, c.ExpiresAt, changedAt = Night.AddDays(-400) },
                transaction);
            await connection.ExecuteAsync(
                "UPDATE contacts SET last_interaction_at = @LastInteractionAt WHERE contact_id = @id", new { id = ids[i], c.LastInteractionAt }, transaction);
            foreach (var (kind, at) in c.Interactions)
            {
                await connection.ExecuteAsync(
                    "INSERT INTO interactions (contact_id, kind, occurred_at, source) VALUES (@id, @kind, @at, 'test')", new { id = ids[i], kind, at }, transaction);
            }
        }

        await transaction.CommitAsync();
        return ids;
    }

    /// <param name="Interactions">Rows of <c>interactions</c>: purchases and every other kind count as signs of life.</param>
    private sealed record Case(
        string Status, DateTimeOffset? GrantedAt, DateTimeOffset? LastConfirmedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastInteractionAt,
        (string Kind, DateTimeOffset At)[] Interactions)
    {
        public ConsentState State => new(Status, GrantedAt, LastConfirmedAt, ExpiresAt);

        /// <summary>What the planner and the dispatcher pass the core: the latest of <c>last_interaction_at</c> and the non-purchase interactions, and the latest purchase.</summary>
        public ContactActivity Activity => new(
            Latest(Interactions.Where(i => i.Kind != "purchase").Select(i => (DateTimeOffset?)i.At).Append(LastInteractionAt)),
            Latest(Interactions.Where(i => i.Kind == "purchase").Select(i => (DateTimeOffset?)i.At)));

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"{Status} granted={GrantedAt:O} confirmed={LastConfirmedAt:O} expires={ExpiresAt:O} last_interaction={LastInteractionAt:O} interactions=[{string.Join(", ", Interactions.Select(i => $"{i.Kind}@{i.At:O}"))}]");

        private static DateTimeOffset? Latest(IEnumerable<DateTimeOffset?> instants) => instants.Where(at => at is not null).Max();
    }
}

public sealed class SqliteStaleConsentAgreementTests(SqliteEngine engine) : StaleConsentAgreementTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresStaleConsentAgreementTests(PostgresEngine engine) : StaleConsentAgreementTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerStaleConsentAgreementTests(SqlServerEngine engine) : StaleConsentAgreementTests(engine), IClassFixture<SqlServerEngine>;
