using Vinculo.Consent;
using Vinculo.Jobs;

namespace Vinculo.Import;

/// <summary>What the importers of one file share: its transaction, its contacts, its counters and the run's settings.</summary>
/// <param name="Now">The run's instant (the job's <c>Now</c>, or the clock for the command line): never the database's clock.</param>
/// <param name="TimeZone"><c>Scheduler:TimeZone</c>: the zone local times in files are read in.</param>
/// <param name="Progress">The run's progress: the importers report what they have read of the file, once per batch.</param>
/// <param name="Sha256">The file's content hash (<c>import_files.content_sha256</c>).</param>
internal sealed record ImportRun(
    ImportSession Session, ContactDirectory Contacts, ImportCounts Counts, DateTimeOffset Now, TimeZoneInfo TimeZone, bool ChatGrantsConsent, JobProgress Progress, string Sha256)
{
    /// <summary>How a contact CSV or suppression list commits as it goes; null for the files imported in one transaction.</summary>
    public ImportBatches? Batches { get; init; }

    /// <summary>Where the file's pipeline stages spend their time (the job's phase timings); null when not measured.</summary>
    public PhaseTimings? Timings { get; init; }

    /// <summary>Messages or rows of the file read so far.</summary>
    public void ReportRead(long records) => Progress.Report(InboxProcessor.Reading, records);

    /// <summary>
    /// Gives consent from a file: <see cref="ConsentTransitions.Grant"/> (an opt-out later than <paramref name="at"/>
    /// stands; a time the base already knows adds nothing). Without a time of its own, a file only gives consent to
    /// whom has none, so that importing it again never renews anything.
    /// </summary>
    /// <returns>The event appended (<c>granted</c> or <c>renewed</c>), or null when nothing changed.</returns>
    public async Task<string?> GrantConsentAsync(
        ConsentLedger ledger, long contactId, string source, DateTimeOffset? at, IReadOnlyDictionary<string, object?> detail, CancellationToken cancellationToken)
    {
        var current = (await ledger.ReadAsync(Session.Connection, Session.Transaction, [contactId], cancellationToken)).GetValueOrDefault(contactId);
        var change = FileGrant(current, source, at);
        return await ledger.ApplyAsync(Session.Connection, Session.Transaction, contactId, current, change, source, detail, cancellationToken) ? change.Event : null;
    }

    /// <summary>What a file's consent does to <paramref name="current"/> (see <see cref="GrantConsentAsync"/>).</summary>
    public ConsentChange FileGrant(ConsentRecord? current, string source, DateTimeOffset? at) =>
        at is null && current is not null ? ConsentChange.None : ConsentTransitions.Grant(current, source, at ?? Now);
}
