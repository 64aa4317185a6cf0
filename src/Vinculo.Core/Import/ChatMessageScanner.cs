using System.Diagnostics.CodeAnalysis;
using System.Text;
using Vinculo.Phones;

namespace Vinculo.Import;

/// <summary>What the first pass decided, for the second to apply.</summary>
/// <param name="Counterpart">The counterpart's sender in a 1:1 chat; null in a group, or when the counterpart never wrote.</param>
/// <param name="CounterpartKey">Who the counterpart's keys are for (<see cref="ChatMessageKeys"/>).</param>
internal sealed record ChatPlan(
    ChatKind Kind, ChatLayout Layout, ChatDateOrder DateOrder, ChatSenderInfo? Counterpart, string CounterpartKey, ChatSenders Senders,
    PhoneClassifier Phones);

/// <summary>
/// The second pass: gathers each message's lines and returns the ones that are interactions — the counterpart's in a 1:1
/// chat, those of members shown as numbers in a group. A line that does not start with a valid date and time of the
/// file's layout and date order continues the message above it (or the system line above it, and is then dropped).
/// </summary>
internal sealed class ChatMessageScanner(TextReader reader, ChatPlan plan)
{
    /// <summary>WhatsApp's own limit on a message; anything beyond it in a file is damage, and is dropped to keep memory flat.</summary>
    public const int MaxTextLength = 65_536;

    private readonly ChatLineReader lines = new(reader);
    private readonly ChatMessageKeys keys = new();
    private readonly StringBuilder text = new();
    private ChatSenderInfo? sender;
    private DateTime time;

    public bool TryNext([NotNullWhen(true)] out ChatMessage? message)
    {
        while (lines.TryRead(out var line))
        {
            if (ChatLineHeader.TryParse(line, out var header) && header.Layout == plan.Layout && header.TryGetLocalTime(plan.DateOrder, out var local))
            {
                message = sender is null ? null : Complete();
                Start(line[header.TextStart..], local);
                if (message is not null)
                {
                    return true;
                }
            }
            else if (sender is not null && text.Length < MaxTextLength)
            {
                text.Append('\n').Append(line[..Math.Min(line.Length, MaxTextLength - text.Length)]);
            }
        }

        message = sender is null ? null : Complete();
        return message is not null;
    }

    private void Start(ReadOnlySpan<char> rest, DateTime local)
    {
        sender = null;
        if (ChatLine.Split(rest, plan.Layout, out var shown, out var first) == ChatLineKind.System)
        {
            return;
        }

        if (plan.Kind == ChatKind.Group)
        {
            var member = plan.Senders.Find(shown);
            sender = member.Phone is not null ? member : null;
        }
        else if (plan.Counterpart is { } counterpart &&
                 (shown.SequenceEqual(counterpart.Shown) || (counterpart.Phone is not null && plan.Senders.Find(shown).Phone == counterpart.Phone)))
        {
            // One number may be shown several ways in one file ("98765-4321", "98765‑4321" with the iPhone's hyphen).
            sender = counterpart;
        }

        if (sender is not null)
        {
            time = local;
            text.Clear().Append(first[..Math.Min(first.Length, MaxTextLength)]);
        }
    }

    private ChatMessage Complete()
    {
        var from = sender!;
        sender = null;
        var body = ChatText.WithoutMarks(text.ToString()).Trim();
        var firstLineEnd = body.IndexOf('\n', StringComparison.Ordinal);
        var kind = ChatPhrases.KindOf(firstLineEnd < 0 ? body : body.AsSpan(0, firstLineEnd), out _);
        var who = plan.Kind == ChatKind.Group ? from.Phone! : plan.CounterpartKey;
        return new ChatMessage(
            keys.Next(who, time, kind, body),
            time,
            kind,
            from.Sender,
            body,
            kind == ChatMessageKind.Deleted ? [] : MentionedPhones.Find(body, plan.Phones));
    }
}
