namespace Vinculo.Import;

public enum ChatMessageKind
{
    Text,

    /// <summary>A photo, video, audio, sticker, document, contact card or location, whether the export carried it or not.</summary>
    Media,

    /// <summary>"Esta mensagem foi apagada", "This message was deleted": the person did write, so it is still an interaction.</summary>
    Deleted,
}

/// <summary>A sender as the export shows it.</summary>
/// <param name="Name">As shown: a saved contact's name, or the number as WhatsApp formats it ("+55 11 98765-4321").</param>
/// <param name="Phone">E.164 when the sender is shown as a number; null for a name.</param>
public sealed record ChatSender(string Name, string? Phone);

/// <summary>One message the counterpart (or, in a group, a member shown as a number) wrote: one interaction.</summary>
/// <param name="NaturalKey">
/// 32 lowercase hex digits, the same for this message in any export that holds it (see <c>ChatMessageKeys</c>): the
/// idempotence key of the import. It identifies the person too, so it is unique across chats.
/// </param>
/// <param name="LocalTime">The time as written, in the exporting phone's zone (<see cref="DateTimeKind.Unspecified"/>):
/// the caller converts it from <c>Scheduler:TimeZone</c> to UTC.</param>
/// <param name="Body">The text without direction marks; lines joined with '\n'; at most 65,536 characters.</param>
/// <param name="MentionedPhones">E.164 of the WhatsApp-capable numbers written in the text, each once.</param>
public sealed record ChatMessage(
    string NaturalKey, DateTime LocalTime, ChatMessageKind Kind, ChatSender Sender, string Body, IReadOnlyList<string> MentionedPhones);
