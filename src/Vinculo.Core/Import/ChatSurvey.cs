namespace Vinculo.Import;

/// <summary>
/// The first pass over an export: what must be known before its first message can be returned. Dates read both ways
/// until the whole file has been seen ("11/3/26" may be the 11th of March or the 3rd of November; a "11/13/26" on the
/// last line settles it), and so do the senders that tell a group from a 1:1 chat and the counterpart from the business.
/// Keeps counters and the bounded sender table only, whatever the file's length.
/// </summary>
internal sealed class ChatSurvey
{
    /// <summary>Language votes stop here: a file does not change language, and every vote costs a look at a message.</summary>
    private const int EnoughLanguageVotes = 64;

    private ChatSurvey(ChatLayout layout, ChatSenders senders)
    {
        Layout = layout;
        Senders = senders;
    }

    /// <summary>Set by the first line; a line of the other layout later on is text of a message, not a new one.</summary>
    public ChatLayout Layout { get; }

    public ChatSenders Senders { get; }

    public bool TwelveHour { get; private set; }

    /// <summary>Lines whose date only reads day first (first number above 12).</summary>
    public int DayFirstVotes { get; private set; }

    /// <summary>Lines whose date only reads month first (second number above 12).</summary>
    public int MonthFirstVotes { get; private set; }

    /// <summary>Whether any date puts the day and month before the year (else all are year first).</summary>
    public bool DayMonthSeen { get; private set; }

    public int PortugueseVotes { get; private set; }

    public int EnglishVotes { get; private set; }

    public int SpanishVotes { get; private set; }

    /// <summary>Whether a date wrote its year in two digits ("11/3/26"), as en-US exports do; en-GB ones write four.</summary>
    public bool ShortYear { get; private set; }

    public bool GroupEvents { get; private set; }

    /// <summary>The name an iPhone export puts the encryption notice under: the chat's, so the counterpart's in a 1:1 chat.</summary>
    public string? NoticeSender { get; private set; }

    /// <exception cref="ChatExportException">The text is empty or does not start like a chat export.</exception>
    public static ChatSurvey Read(TextReader reader, ChatSenders senders)
    {
        var lines = new ChatLineReader(reader);
        ChatSurvey? survey = null;
        while (lines.TryRead(out var line))
        {
            if (survey is not null)
            {
                if (ChatLineHeader.TryParse(line, out var header) && header.Layout == survey.Layout)
                {
                    survey.Add(line, header);
                }
            }
            else if (!ChatText.IsBlank(line))
            {
                // Every export starts with a dated line; anything else is some other file, however many dates it holds further down.
                if (!ChatLineHeader.TryParse(line, out var first))
                {
                    throw ChatExportException.NotAChat();
                }

                survey = new ChatSurvey(first.Layout, senders);
                survey.Add(line, first);
            }
        }

        return survey ?? throw ChatExportException.Empty();
    }

    private void Add(ReadOnlySpan<char> line, in ChatLineHeader header)
    {
        TwelveHour |= header.TwelveHour;
        if (!header.YearFirst)
        {
            DayMonthSeen = true;
            ShortYear |= header.Part3 < 100;
            var dayFirst = header.ReadsDayFirst;
            var monthFirst = header.ReadsMonthFirst;
            if (dayFirst != monthFirst)
            {
                DayFirstVotes += dayFirst ? 1 : 0;
                MonthFirstVotes += monthFirst ? 1 : 0;
            }
        }

        var kind = ChatLine.Split(line[header.TextStart..], Layout, out var sender, out var text);
        var language = ChatLanguage.Unknown;
        if (kind == ChatLineKind.Message)
        {
            Senders.Record(sender);
            if (PortugueseVotes + EnglishVotes + SpanishVotes < EnoughLanguageVotes)
            {
                ChatPhrases.KindOf(text, out language);
            }
        }
        else if (ChatPhrases.IsEncryptionNotice(text, out language))
        {
            if (NoticeSender is null && !sender.IsEmpty)
            {
                NoticeSender = sender.ToString();
            }
        }
        else if (ChatPhrases.IsGroupEvent(text, out language))
        {
            GroupEvents = true;
        }

        PortugueseVotes += language == ChatLanguage.Portuguese ? 1 : 0;
        EnglishVotes += language == ChatLanguage.English ? 1 : 0;
        SpanishVotes += language == ChatLanguage.Spanish ? 1 : 0;
    }
}
