using Vinculo.Phones;

namespace Vinculo.Import;

/// <summary>
/// Reads WhatsApp chat exports (SPEC section 7): Android and iPhone layouts, Portuguese and English, day/month and
/// month/day dates, 24- and 12-hour clocks, multi-line messages, system lines, media placeholders, deleted markers,
/// direction marks, BOMs and any line ending. Pure: no file system, no database, no clock; thread-safe.
/// </summary>
/// <remarks>
/// <para>Two passes over the text, so that memory stays flat however long the chat is and nothing is decided from a
/// prefix of it: the first (<see cref="Parse"/>) recognises the file and decides the date order, whether it is a group,
/// and who the counterpart is; the second (<see cref="ChatExport.Messages"/>) streams the messages. Hence the function
/// that opens the text, rather than a reader: it is called once per pass, and the parser disposes each reader.</para>
/// <para>Dates: a date whose first number is above 12 reads only day first, one whose second number is above 12 only
/// month first, and the majority of such lines decides for the file. When every date reads both ways, the language
/// decides: Portuguese (file name, encryption notice, placeholders, group events) means day first; otherwise a 12-hour
/// clock means month first (en-US), and a 24-hour clock day first (en-GB and most of the world).</para>
/// <para>The business's own messages are told apart from the counterpart's without knowing the business's name, in this
/// order: the sender matching the number or contact name in the file name (WhatsApp names every export after the chat);
/// the name an iPhone export puts the encryption notice under; the only sender shown as a number (the exporting phone
/// never shows its own messages as a number); the only sender besides "Você"/"You", which is always the business. When
/// none of these decides, the file fails with <see cref="ChatExportFailure.UnknownCounterpart"/> rather than guess.</para>
/// <para>A group (group events such as "criou o grupo", "adicionou", "saiu", "mudou o assunto", or more than two
/// senders) has no counterpart: its interactions are the messages of members shown as numbers. Members shown by name are
/// skipped, since the business's own messages are shown by name too and nothing in a group tells them apart; members
/// only added, never writing, yield nothing. A file named after a number is never a group.</para>
/// <para>Lines: the first non-blank line must start with a date and time, or the file is not a chat. After it, a line
/// that does not start with a valid date and time of the file's layout (a date that does not exist, one outside
/// 2000–2099, one that contradicts the file's date order, an iPhone line in an Android file) continues the message above
/// it, as a line typed after a line break does.</para>
/// </remarks>
public sealed class ChatExportParser(PhoneClassifier phones)
{
    private readonly PhoneClassifier phones = phones ?? throw new ArgumentNullException(nameof(phones));

    /// <summary>Recognises and surveys an export; its messages are read when <see cref="ChatExport.Messages"/> is enumerated.</summary>
    /// <param name="openText">
    /// Opens the export's text from its start (for a .zip, the <c>_chat.txt</c> or only .txt entry), decoded; called once
    /// now and once per enumeration of the messages. The same text each time.
    /// </param>
    /// <param name="fileName">The name of the file as dropped in the inbox (for a .zip, the archive's name), or null.</param>
    /// <exception cref="ChatExportException">The text is not a chat export, or its counterpart cannot be identified.</exception>
    /// <summary>The number a chat export's file name shows ("Conversa do WhatsApp com +55 11 98765-4321 (2).txt"), E.164; null when it shows none.</summary>
    public string? NumberInFileName(string fileName) => ChatFileName.Read(fileName, phones).Phone;

    public ChatExport Parse(Func<TextReader> openText, string? fileName)
    {
        ArgumentNullException.ThrowIfNull(openText);
        var file = ChatFileName.Read(fileName, phones);
        var senders = new ChatSenders(phones);
        ChatSurvey survey;
        using (var reader = openText())
        {
            survey = ChatSurvey.Read(reader, senders);
        }

        var dateOrder = DateOrder(survey, file);
        // One number shown several ways (marks, dashes, spaces) is one sender.
        var candidates = senders.All.Where(sender => !sender.IsOwn).DistinctBy(sender => sender.Phone ?? "shown:" + sender.Shown).ToList();
        if (file.Phone is null && (survey.GroupEvents || senders.Overflowed || candidates.Count > 2))
        {
            var group = new ChatPlan(ChatKind.Group, survey.Layout, dateOrder, null, "", senders, phones);
            return new ChatExport(ChatKind.Group, file.Title, null, survey.Layout, dateOrder, _ => Read(openText, group));
        }

        var (sender, counterpart) = Counterpart(file, survey, candidates);
        var key = counterpart.Phone ?? "name:" + ChatNames.Fold(counterpart.Name);
        var plan = new ChatPlan(ChatKind.Direct, survey.Layout, dateOrder, sender, key, senders, phones);
        return new ChatExport(
            ChatKind.Direct, file.Title, counterpart, survey.Layout, dateOrder, number => Read(openText, number is null ? plan : plan with { CounterpartKey = number }));
    }

    private static ChatDateOrder DateOrder(ChatSurvey survey, ChatFileName file)
    {
        if (!survey.DayMonthSeen)
        {
            return ChatDateOrder.YearMonthDay;
        }

        if (survey.DayFirstVotes != survey.MonthFirstVotes)
        {
            return survey.DayFirstVotes > survey.MonthFirstVotes ? ChatDateOrder.DayMonthYear : ChatDateOrder.MonthDayYear;
        }

        // No date settles it: the language does. Portuguese and Spanish put the day first; English does on a 12-hour clock
        // (en-US), or on a 24-hour one when the year has two digits (en-US set to 24 hours; en-GB writes four).
        var dayFirst = survey.PortugueseVotes + survey.SpanishVotes + (file.Language is ChatLanguage.Portuguese or ChatLanguage.Spanish ? 1 : 0);
        var english = survey.EnglishVotes + (file.Language == ChatLanguage.English ? 1 : 0);
        var monthFirst = (english >= dayFirst && survey.TwelveHour) || (english > dayFirst && survey.ShortYear);
        return monthFirst ? ChatDateOrder.MonthDayYear : ChatDateOrder.DayMonthYear;
    }

    /// <returns>The counterpart's sender (null when the counterpart named by the file never wrote), and who the counterpart is.</returns>
    private static (ChatSenderInfo? Sender, ChatCounterpart Counterpart) Counterpart(ChatFileName file, ChatSurvey survey, List<ChatSenderInfo> candidates)
    {
        if (file.Phone is not null)
        {
            // A number is what WhatsApp shows for the person in the messages too: no sender with it means they never wrote.
            return (candidates.Find(candidate => candidate.Phone == file.Phone), new ChatCounterpart(file.Phone, null));
        }

        ChatSenderInfo? sender = null;
        if (file.Title is not null)
        {
            var folded = ChatNames.Fold(file.Title);
            sender = candidates.Find(candidate => candidate.Folded == folded);
            if (sender is null && candidates.Count <= 1)
            {
                // The file names the counterpart and only the business wrote (or nobody did).
                return (null, new ChatCounterpart(null, file.Title));
            }
        }

        if (sender is null && survey.NoticeSender is not null)
        {
            var noticed = survey.Senders.Find(survey.NoticeSender);
            sender = noticed.IsOwn ? null : noticed;
        }

        if (sender is null && candidates.Count(candidate => candidate.Phone is not null) == 1)
        {
            sender = candidates.Single(candidate => candidate.Phone is not null);
        }

        if (sender is null && candidates.Count == 1 && survey.Senders.All.Any(other => other.IsOwn))
        {
            sender = candidates[0];
        }

        if (sender is null)
        {
            throw ChatExportException.UnknownCounterpart();
        }

        return (sender, new ChatCounterpart(sender.Phone, sender.Phone is null ? sender.Shown : null));
    }

    private static IEnumerable<ChatMessage> Read(Func<TextReader> openText, ChatPlan plan)
    {
        using var reader = openText();
        var scanner = new ChatMessageScanner(reader, plan);
        while (scanner.TryNext(out var message))
        {
            yield return message;
        }
    }
}
