using Vinculo.Phones;

namespace Vinculo.Import;

/// <summary>
/// What the name WhatsApp gives an export says about the chat: "Conversa do WhatsApp com +55 11 98765-4321.txt"
/// (Android, pt), "WhatsApp Chat with Maria Souza.txt" (Android, en), "Conversa do WhatsApp - +55 48 99654-3210.zip"
/// and "WhatsApp Chat - Maria Souza.zip" (iPhone), "Chat de WhatsApp con …" (Spanish). Any other name ("_chat.txt", "backup.txt") says nothing, except a
/// bare phone number; it is never taken for a contact's name.
/// </summary>
/// <param name="Title">The chat's name as WhatsApp showed it: a number, a saved contact or a group subject.</param>
/// <param name="Phone">E.164, when <paramref name="Title"/> is a phone number.</param>
internal sealed record ChatFileName(string? Title, string? Phone, ChatLanguage Language)
{
    private static readonly (string Prefix, ChatLanguage Language)[] Prefixes =
    [
        ("Conversa do WhatsApp com ", ChatLanguage.Portuguese), ("Conversa do WhatsApp - ", ChatLanguage.Portuguese),
        ("WhatsApp Chat with ", ChatLanguage.English), ("WhatsApp Chat - ", ChatLanguage.English),
        ("Chat de WhatsApp con ", ChatLanguage.Spanish), ("Chat de WhatsApp - ", ChatLanguage.Spanish),
    ];

    public static ChatFileName Read(string? fileName, PhoneClassifier phones)
    {
        var name = (fileName ?? "").AsSpan();
        name = name[(name.LastIndexOfAny('/', '\\') + 1)..];
        while (name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^4];
        }

        // A name may carry the number as the phone shows it: wrapped in direction marks, with no-break spaces and dashes.
        name = WithoutCopyNumber(ChatText.Trim(ChatText.Plain(name)));
        foreach (var (prefix, language) in Prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var title = ChatText.Trim(name[prefix.Length..]);
                return title.IsEmpty ? new ChatFileName(null, null, language) : new ChatFileName(title.ToString(), PhoneOf(title, phones), language);
            }
        }

        return PhoneOf(name, phones) is { } phone ? new ChatFileName(name.ToString(), phone, ChatLanguage.Unknown) : new ChatFileName(null, null, ChatLanguage.Unknown);
    }

    /// <summary>E.164 of a number shown as a sender or chat name; a landline counts, since WhatsApp Business runs on them.</summary>
    public static string? PhoneOf(ReadOnlySpan<char> shown, PhoneClassifier phones) =>
        ChatText.LooksLikePhone(shown) ? phones.Classify(shown.ToString()).E164 : null;

    /// <summary>Browsers and file managers name a second download "… (1).txt".</summary>
    private static ReadOnlySpan<char> WithoutCopyNumber(ReadOnlySpan<char> name)
    {
        if (!name.EndsWith(')'))
        {
            return name;
        }

        var open = name.LastIndexOf(" (", StringComparison.Ordinal);
        return open > 0 && name[(open + 2)..^1] is { Length: > 0 and <= 3 } digits && !digits.ContainsAnyExceptInRange('0', '9')
            ? ChatText.Trim(name[..open])
            : name;
    }
}
