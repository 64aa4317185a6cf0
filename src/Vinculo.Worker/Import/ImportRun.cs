namespace Vinculo.Import;

/// <summary>What the importers of one file share: its transaction, its contacts, its counters and the run's settings.</summary>
/// <param name="Now">The run's instant (the job's <c>Now</c>, or the clock for the command line): never the database's clock.</param>
/// <param name="TimeZone"><c>Scheduler:TimeZone</c>: the zone local times in files are read in.</param>
internal sealed record ImportRun(
    ImportSession Session, ContactDirectory Contacts, ImportCounts Counts, DateTimeOffset Now, TimeZoneInfo TimeZone, bool ChatGrantsConsent);
