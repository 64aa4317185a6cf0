using Vinculo.Phones;

namespace Vinculo.Import;

/// <summary>One sender as shown in an export, classified once.</summary>
internal sealed class ChatSenderInfo
{
    public ChatSenderInfo(string shown, string? phone)
    {
        Sender = new ChatSender(shown, phone);
        Folded = ChatNames.Fold(shown);
        // An export may show the exporter's own messages as "Você", "You" or "Tú": always the business.
        IsOwn = phone is null && Folded is "voce" or "you" or "tu";
    }

    public ChatSender Sender { get; }

    public string Shown => Sender.Name;

    public string? Phone => Sender.Phone;

    public string Folded { get; }

    public bool IsOwn { get; }
}

/// <summary>
/// The distinct senders of one export, classified once each. Bounded: a group holds at most 1,024 members, so a file
/// with more distinct senders is damaged or not a chat, and later ones are classified on the fly instead of kept.
/// </summary>
internal sealed class ChatSenders
{
    public const int Capacity = 1024;

    private readonly PhoneClassifier phones;
    private readonly Dictionary<string, ChatSenderInfo> byShown = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChatSenderInfo>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public ChatSenders(PhoneClassifier phones)
    {
        this.phones = phones;
        lookup = byShown.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Whether more distinct senders were seen than <see cref="Capacity"/>.</summary>
    public bool Overflowed { get; private set; }

    public IEnumerable<ChatSenderInfo> All => byShown.Values;

    /// <summary>The sender, kept for later when there is room (first pass).</summary>
    /// <param name="shown">The sender as trimmed by <see cref="ChatText.TrimSender"/>.</param>
    public ChatSenderInfo Record(ReadOnlySpan<char> shown)
    {
        if (lookup.TryGetValue(shown, out var known))
        {
            return known;
        }

        var info = Describe(shown);
        if (byShown.Count < Capacity)
        {
            byShown.Add(info.Shown, info);
        }
        else
        {
            Overflowed = true;
        }

        return info;
    }

    /// <summary>The sender, without changing the table (second pass, which may run on several threads at once).</summary>
    public ChatSenderInfo Find(ReadOnlySpan<char> shown) => lookup.TryGetValue(shown, out var known) ? known : Describe(shown);

    private ChatSenderInfo Describe(ReadOnlySpan<char> shown) => new(shown.ToString(), ChatFileName.PhoneOf(shown, phones));
}
