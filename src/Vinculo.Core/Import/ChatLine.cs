using System.Buffers;

namespace Vinculo.Import;

internal enum ChatLineKind
{
    System,
    Message,
}

/// <summary>What follows the date and time of a line: "Sender: text", or a system text.</summary>
internal static class ChatLine
{
    /// <summary>Longer than any contact name or group subject; a ": " further on is inside a system text.</summary>
    private const int MaxSenderLength = 128;

    /// <summary>Android quotes a new group subject or description, which may hold ": " ('X mudou o assunto para "A: B"').</summary>
    private static readonly SearchValues<char> Quotes = SearchValues.Create("\"“”");

    /// <param name="rest">The line after its date and time.</param>
    /// <param name="sender">The sender as shown, trimmed; also set for iPhone system lines, which come under a name.</param>
    /// <param name="text">The message or system text.</param>
    public static ChatLineKind Split(ReadOnlySpan<char> rest, ChatLayout layout, out ReadOnlySpan<char> sender, out ReadOnlySpan<char> text)
    {
        sender = default;
        text = rest;
        var colon = rest[..Math.Min(rest.Length, MaxSenderLength + 2)].IndexOf(": ");
        if (colon < 0 && rest.Length <= MaxSenderLength + 1 && rest.EndsWith(':'))
        {
            // A message that starts with a line break: "Maria Souza:" and the text on the lines below.
            colon = rest.Length - 1;
        }

        if (colon < 0)
        {
            return ChatLineKind.System;
        }

        var name = ChatText.TrimSender(rest[..colon]);
        if (name.IsEmpty || name.ContainsAny(Quotes))
        {
            return ChatLineKind.System;
        }

        sender = name;
        text = colon + 2 <= rest.Length ? rest[(colon + 2)..] : [];
        return layout == ChatLayout.IPhone && ChatPhrases.IsIPhoneSystemText(text) ? ChatLineKind.System : ChatLineKind.Message;
    }
}
