using System.Data.Common;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Data;
using Vinculo.Hosting;
using Vinculo.Phones;
using Vinculo.Privacy;

namespace Vinculo.Consent;

/// <summary>What one erasure did.</summary>
/// <param name="Found">Whether the request named a number or contact Vinculo could read.</param>
/// <param name="Contacts">Contact rows anonymised.</param>
/// <param name="Rows">Rows touched per table.</param>
public sealed record ErasureOutcome(bool Found, int Contacts, IReadOnlyDictionary<string, long> Rows);

/// <summary>
/// Carries out erasure requests (LGPD art. 18, SPEC section 4): every contact row of the person's number is
/// anonymised, with their interactions, inbound bodies and queued bodies; consent events stay (they hold no personal
/// data) with one <c>erased</c> event more, and the number's hash goes on the suppression list so that a later import
/// of it, even "with consent", is never messaged. Every form of the number is tombstoned (<c>erased_numbers</c>): a later
/// import of it, or a message from it other than an opt-in keyword, stores nothing. The person's archived 1:1 chat exports
/// are deleted from the inbox's <c>archive/</c> folder.
/// </summary>
public sealed class PersonEraser(
    Database database,
    ErasureStore store,
    ConsentLedger ledger,
    IOptions<PhonesOptions> phones,
    IOptions<Import.ImportOptions> import,
    VinculoPaths paths,
    ILogger<PersonEraser> logger)
{
    private readonly PhoneClassifier classifier = new(new PhoneOptions { DefaultRegion = phones.Value.DefaultRegion, DefaultAreaCode = phones.Value.DefaultAreaCode });

    private readonly string classifierDigest = ClassifierDigest(phones.Value);

    private Import.ChatExportParser Chats => new(classifier);

    /// <summary>The E.164 number a user typed (any format the phone classifier reads); null when it is not a number.</summary>
    public string? ReadNumber(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
        {
            return null;
        }

        return classifier.Classify(typed).E164 ?? WhatsAppNumbers.MatchingE164(typed).OrderByDescending(f => f.Length).FirstOrDefault();
    }

    /// <summary>Records a request for this number and carries it out at once (the <c>erase</c> verb).</summary>
    public async Task<(long RequestId, ErasureOutcome Outcome)> EraseNumberAsync(string e164, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var requestId = await store.CreateRequestAsync(e164, null, now, cancellationToken);
        return (requestId, await CarryOutAsync(new ErasureRequest { RequestId = requestId, Phone = e164 }, now, cancellationToken));
    }

    /// <summary>Carries out one request in one transaction and closes it (<c>done</c>, or <c>failed</c> when it names nobody).</summary>
    public async Task<ErasureOutcome> CarryOutAsync(ErasureRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var number = ReadNumber(request.Phone);
        if (number is null && request.ContactId is { } contactId)
        {
            number = await store.ContactNumberAsync(contactId, cancellationToken);
        }

        if (number is null && request.ContactId is null)
        {
            await using var failed = await database.OpenAsync(cancellationToken);
            await store.FinishRequestAsync(failed, null, request.RequestId, "failed", JsonSerializer.Serialize(new { error = "phone_unreadable" }), now, cancellationToken);
            return new ErasureOutcome(false, 0, new Dictionary<string, long>());
        }

        var forms = number is null ? [] : WhatsAppNumbers.MatchingE164(number).Append(number).Distinct(StringComparer.Ordinal).ToList();
        var rawMatches = await UncheckedMatchesAsync(forms, cancellationToken);

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = rawMatches.ToList();
        if (request.ContactId is { } requested)
        {
            ids.Add(requested);
        }

        var contacts = await store.ContactsAsync(connection, transaction, forms, ids, cancellationToken);
        var numbers = forms.Concat(contacts.Select(c => c.PhoneE164).OfType<string>()).Distinct(StringComparer.Ordinal).ToList();
        // Providers write the sender as a WhatsApp id (digits only) or in E.164; both are scrubbed.
        var written = numbers.SelectMany(n => new[] { n, n.TrimStart('+') }).ToList();
        var userIds = contacts.Select(c => c.WhatsAppUserId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var rows = await store.EraseAsync(
            connection, transaction, [.. contacts.Select(c => c.ContactId)], written, userIds,
            JsonSerializer.Serialize(new { request_id = request.RequestId }), now, cancellationToken);

        // Both Brazilian forms: whichever one a later import or webhook brings, it stays suppressed.
        foreach (var e164 in numbers)
        {
            await ledger.SuppressAsync(connection, transaction, PhoneHash.Of(e164), "erasure", now, cancellationToken);
        }

        var hashes = numbers.Select(PhoneHash.Of).ToList();
        var tombstones = await store.TombstoneAsync(connection, transaction, hashes, now, cancellationToken);
        var exports = await DeleteArchivedChatsAsync(connection, transaction, hashes, cancellationToken) + DeleteArchivedChatsNamed(numbers);

        var result = new Dictionary<string, object?>
        {
            ["contacts"] = contacts.Count,
            ["rows"] = rows,
            ["tombstones"] = tombstones,
            ["archived_chats_deleted"] = exports,
            ["suppressed_hash"] = numbers.Count == 0 ? null : PhoneHash.Of(numbers.MaxBy(n => n.Length)!),
        };
        await store.FinishRequestAsync(connection, transaction, request.RequestId, "done", JsonSerializer.Serialize(result), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Log.Erased(logger, request.RequestId, contacts.Count, number is null ? "-" : PhoneMask.Mask(number));
        return new ErasureOutcome(true, contacts.Count, rows);
    }

    /// <summary>
    /// Deletes the person's archived 1:1 chat exports (their <c>import_files</c> rows keep hashes only). Inside the
    /// erasure's transaction: a file that cannot be deleted fails the erasure, which is then tried again whole.
    /// </summary>
    private async Task<int> DeleteArchivedChatsAsync(DbConnection connection, DbTransaction transaction, List<string> hashes, CancellationToken cancellationToken)
    {
        if (hashes.Count == 0)
        {
            return 0;
        }

        var inbox = Import.ImportChatsJob.InboxPath(import.Value, paths);
        var deleted = 0;
        foreach (var chat in await store.ArchivedChatsAsync(connection, transaction, hashes, cancellationToken))
        {
            if (Import.ArchivePruner.DeleteArchived(inbox, chat.ArchiveName))
            {
                deleted++;
            }

            await store.ForgetArchiveNameAsync(connection, transaction, chat.ImportId, cancellationToken);
        }

        return deleted;
    }

    /// <summary>
    /// Chat exports in <c>archive/</c> whose file name shows one of the numbers: those archived before <c>import_files</c>
    /// recorded where a file went. A file that cannot be deleted fails the erasure, which is then tried again.
    /// </summary>
    private int DeleteArchivedChatsNamed(List<string> numbers)
    {
        var archive = Path.Combine(Import.ImportChatsJob.InboxPath(import.Value, paths), Import.InboxFolder.Archive);
        if (numbers.Count == 0 || !Directory.Exists(archive))
        {
            return 0;
        }

        var parser = Chats;
        var inbox = Import.ImportChatsJob.InboxPath(import.Value, paths);
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(archive).Select(Path.GetFileName).OfType<string>().ToList())
        {
            var chat = file.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);
            if (chat && parser.NumberInFileName(file) is { } number && numbers.Contains(number) &&
                Import.ArchivePruner.DeleteArchived(inbox, file))
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>
    /// Contacts whose <c>phone_raw</c> was written (or changed) since the last classification: their <c>phone_e164</c>
    /// cannot be trusted yet, so their raw number is classified here, once per row and classifier (the result is kept in
    /// <c>raw_phone_key</c>), and the person's rows are found through its index.
    /// </summary>
    private async Task<List<long>> UncheckedMatchesAsync(List<string> forms, CancellationToken cancellationToken)
    {
        if (forms.Count == 0)
        {
            return [];
        }

        await store.KeyUncheckedAsync(classifierDigest, RawKey, cancellationToken);
        return await store.UncheckedByKeyAsync(classifierDigest, [.. forms.Select(PhoneHash.Of)], cancellationToken);
    }

    /// <summary><c>contacts.raw_phone_key</c>: the hash of the number the classifier reads in a raw text, or "-" when it reads none.</summary>
    private string RawKey(string raw) => classifier.Classify(raw).E164 is { } e164 ? PhoneHash.Of(e164) : "-";

    /// <summary>What a raw number reads as depends on the library's version and the region and area code configured.</summary>
    private static string ClassifierDigest(PhonesOptions options) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"{PhoneClassifier.LibraryVersion}|{options.DefaultRegion}|{options.DefaultAreaCode}")))[..16];
}
