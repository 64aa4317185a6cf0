namespace Vinculo.Import;

public enum ChatKind
{
    /// <summary>A chat between the business and one person: the counterpart.</summary>
    Direct,

    /// <summary>
    /// A group: no counterpart; the members shown as numbers who wrote are the interactions. A group never grants consent
    /// (EXPECTED.md), whatever <c>Import:ChatGrantsConsent</c> says.
    /// </summary>
    Group,
}

public enum ChatLayout
{
    /// <summary>"02/11/2026 10:14 - Sender: text".</summary>
    Android,

    /// <summary>"[07/11/2026, 13:05:40] Sender: text", system lines under a name too.</summary>
    IPhone,
}

public enum ChatDateOrder
{
    DayMonthYear,
    MonthDayYear,

    /// <summary>Every date in the file starts with a four-digit year.</summary>
    YearMonthDay,
}

/// <summary>
/// Who the business talked to in a 1:1 chat. At least one of the two is set. <see cref="Phone"/> when the export shows
/// the person as a number (in the file name or as the sender); otherwise <see cref="Name"/>, the saved contact's name, for
/// the caller to match against exactly one contact with <see cref="ChatNames.Fold"/> (unmatched: archived, not quarantined).
/// </summary>
/// <param name="Phone">E.164.</param>
/// <param name="Name">As shown in the export.</param>
public sealed record ChatCounterpart(string? Phone, string? Name);

/// <summary>A chat export that has been recognised and surveyed; its messages are read when <see cref="Messages"/> is enumerated.</summary>
public sealed class ChatExport
{
    private readonly Func<string?, IEnumerable<ChatMessage>> read;

    /// <param name="read">The messages, keyed for the counterpart the parser found (null) or for the key given.</param>
    internal ChatExport(
        ChatKind kind, string? title, ChatCounterpart? counterpart, ChatLayout layout, ChatDateOrder dateOrder, Func<string?, IEnumerable<ChatMessage>> read)
    {
        Kind = kind;
        Title = title;
        Counterpart = counterpart;
        Layout = layout;
        DateOrder = dateOrder;
        this.read = read;
        Messages = read(null);
    }

    public ChatKind Kind { get; }

    /// <summary>The chat's name from the file name (a number, a contact, a group subject); null when the file name has none.</summary>
    public string? Title { get; }

    /// <summary>Set for <see cref="ChatKind.Direct"/>, null for a group.</summary>
    public ChatCounterpart? Counterpart { get; }

    public ChatLayout Layout { get; }

    /// <summary>How this file's dates were read, decided over the whole file before any message is returned.</summary>
    public ChatDateOrder DateOrder { get; }

    /// <summary>
    /// The interactions, in file order, streamed: each enumeration opens the text again through the function given to
    /// <see cref="ChatExportParser.Parse"/> and holds one message at a time. Never throws <see cref="ChatExportException"/>.
    /// </summary>
    public IEnumerable<ChatMessage> Messages { get; }

    /// <summary>
    /// The messages of a 1:1 chat with a saved contact, keyed as if the file had named the contact's number: the same
    /// chat exported once under the number and once under the name then gives the same natural keys, so one person's
    /// two exports add each message once. <see cref="Messages"/> for a chat that names a number, or a group.
    /// </summary>
    /// <param name="e164">The number of the one contact the name matched.</param>
    public IEnumerable<ChatMessage> MessagesKeyedAs(string e164) =>
        Kind == ChatKind.Direct && Counterpart is { Phone: null } ? read(e164) : Messages;
}
