using System.Text.Json;

namespace Vinculo.Import;

/// <summary>What a file dropped for import is taken to be.</summary>
public enum ImportKind
{
    /// <summary>A WhatsApp chat export: <c>.txt</c>, or <c>.zip</c> with the text inside.</summary>
    Chat,

    /// <summary>A contact CSV (<c>name, phone, external_ref, consent, consent_source, consent_at</c>).</summary>
    Contacts,

    /// <summary>Contacts from a phone or Google as vCards (<c>.vcf</c>: 2.1, 3.0 or 4.0).</summary>
    VCards,

    /// <summary>A list of numbers never to message ("Não Me Ligue"): one per line, or a CSV with a phone column.</summary>
    Suppression,
}

public enum FileOutcome
{
    /// <summary>Imported (possibly with rejected rows, or as an unmatched chat) and moved to <c>archive/</c>.</summary>
    Archived,

    /// <summary>Unreadable or unrecognised: moved to <c>quarantine/</c> beside a <c>.reason.txt</c>; nothing of it imported.</summary>
    Quarantined,

    /// <summary>Still being written: left where it is for the next run.</summary>
    Skipped,

    /// <summary>The database failed: rolled back and left where it is, to be tried again.</summary>
    Failed,
}

/// <summary>The rows one file added or changed.</summary>
public sealed class ImportCounts
{
    /// <summary>Rejected rows are listed up to this many (with their line numbers); the rest are only counted.</summary>
    public const int MaxListedRejections = 50;

    public long InteractionsAdded { get; set; }

    /// <summary>Counterpart messages read, including those already imported before.</summary>
    public long MessagesRead { get; set; }

    public long ContactsCreated { get; set; }

    public long ContactsUpdated { get; set; }

    /// <summary>Numbers mentioned in messages that became new contacts (also counted in <see cref="ContactsCreated"/>).</summary>
    public long MentionedContactsCreated { get; set; }

    public long ConsentsGranted { get; set; }

    public long ConsentsRenewed { get; set; }

    public long SuppressionsAdded { get; set; }

    public long RowsRead { get; set; }

    public long RowsRejected { get; set; }

    /// <summary>"linha 7: …" for the first <see cref="MaxListedRejections"/> rejected rows: never a number or a name.</summary>
    public List<string> Rejections { get; } = [];

    /// <summary>A 1:1 chat with a saved contact whose name matched no contact, or several: archived, nothing of it attached.</summary>
    public bool UnmatchedChat { get; set; }

    /// <summary>The chat was a group: its interactions are those of members shown as numbers.</summary>
    public bool GroupChat { get; set; }

    /// <summary>
    /// Messages, rows or cards of people erased at their request (LGPD art. 18, <c>erased_numbers</c>): nothing of them stored.
    /// </summary>
    public long SkippedErased { get; set; }

    /// <summary>A 1:1 chat with an erased person: nothing of it is stored, and the file is deleted rather than archived.</summary>
    public bool ErasedChat { get; set; }

    /// <summary>The hash of a 1:1 chat's counterpart (<c>import_files.counterpart_hash</c>), so that their erasure finds the archived file.</summary>
    public string? CounterpartHash { get; set; }

    public void Reject(long line, string reason)
    {
        RowsRejected++;
        if (Rejections.Count < MaxListedRejections)
        {
            Rejections.Add($"linha {line}: {reason}");
        }
    }

    /// <summary>The counts so far as JSON (<c>import_files.progress</c>), for a run that resumes the file.</summary>
    public string ToProgressJson() => JsonSerializer.Serialize(new Snapshot(
        InteractionsAdded, MessagesRead, ContactsCreated, ContactsUpdated, MentionedContactsCreated, ConsentsGranted, ConsentsRenewed,
        SuppressionsAdded, RowsRead, RowsRejected, SkippedErased, Rejections));

    /// <summary>Takes up the counts an earlier run of the same file committed (<see cref="ToProgressJson"/>).</summary>
    public void Resume(string? json)
    {
        if (string.IsNullOrEmpty(json) || JsonSerializer.Deserialize<Snapshot>(json) is not { } saved)
        {
            return;
        }

        (InteractionsAdded, MessagesRead, ContactsCreated, ContactsUpdated, MentionedContactsCreated, ConsentsGranted, ConsentsRenewed) =
            (saved.InteractionsAdded, saved.MessagesRead, saved.ContactsCreated, saved.ContactsUpdated, saved.MentionedContactsCreated, saved.ConsentsGranted, saved.ConsentsRenewed);
        (SuppressionsAdded, RowsRead, RowsRejected, SkippedErased) = (saved.SuppressionsAdded, saved.RowsRead, saved.RowsRejected, saved.SkippedErased);
        Rejections.Clear();
        Rejections.AddRange(saved.Rejections ?? []);
    }

    private sealed record Snapshot(
        long InteractionsAdded, long MessagesRead, long ContactsCreated, long ContactsUpdated, long MentionedContactsCreated, long ConsentsGranted,
        long ConsentsRenewed, long SuppressionsAdded, long RowsRead, long RowsRejected, long SkippedErased, List<string>? Rejections);

    public long Changed => InteractionsAdded + ContactsCreated + ContactsUpdated + ConsentsGranted + ConsentsRenewed + SuppressionsAdded;
}

/// <summary>How one file ended.</summary>
/// <param name="Name">The file's name as dropped (for the user's summary; never logged at Information).</param>
/// <param name="MovedTo">Where it went (in <c>archive/</c> or <c>quarantine/</c>), or null when it stayed.</param>
/// <param name="Reason">Why it was quarantined, skipped or failed, in Portuguese.</param>
public sealed record FileReport(string Name, ImportKind? Kind, FileOutcome Outcome, ImportCounts Counts, string? MovedTo = null, string? Reason = null)
{
    /// <summary>
    /// The database failure that stopped a <see cref="FileOutcome.Failed"/> file: the other files of a run would fail the
    /// same way, so the job stops and fails with it.
    /// </summary>
    public Exception? DatabaseFailure { get; init; }

    public string KindName => Kind switch
    {
        ImportKind.Chat => "chat",
        ImportKind.Contacts or ImportKind.VCards => "contacts",
        ImportKind.Suppression => "suppression",
        _ => "unknown",
    };
}

/// <summary>A file that cannot be imported for what it contains: it goes to quarantine with <see cref="Exception.Message"/> (Portuguese) as the reason.</summary>
public sealed class UnreadableFileException(string reason) : Exception(reason);
