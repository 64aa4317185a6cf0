using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Vinculo.Import;
using Vinculo.Phones;
using Xunit;

namespace Vinculo.Core.Tests.Import;

/// <summary>
/// Exports written from a known model read back exactly; damaged exports never make the parser throw anything but
/// <see cref="ChatExportException"/>, nor invent a time; overlapping exports agree on their shared messages' keys.
/// </summary>
public sealed partial class ChatExportParserPropertyTests
{
    private const string CounterpartNumber = "+55 11 98765-4321";
    private const string CounterpartName = "Maria Souza";

    private static readonly ChatExportParser Parser = new(new PhoneClassifier(new PhoneOptions()));

    /// <summary>Pieces that damage an export in the ways files get damaged, or come close to what the parser looks for.</summary>
    private static readonly string[] Chaos =
    [
        "\n", "\r", "\r\n", "\n\n", "\u200E", "\u200F", "\uFEFF", "\u202F", "\u00A0", ":", ": ", " - ", "[", "]", ",", "/", ".", "-",
        " AM", " p.m.", "\0", "\uFFFD", "\uD800", "\uDC00", "😀", "Ã©", "â€¯", "~", "\"", "<Mídia oculta>", " criou o grupo", " adicionou ",
        "Você: ", "+55 ", "1", "12", "13/", "/13/", "2026", "31/12/2025 23:59 - ", "[1/1/26, 12:00:00 AM] ", "00:00", "99:99",
        "end-to-end encrypted", "\u200Eimagem ocultada", "Maria Souza: ", "+55 11 98765-4321: ", "Doceria Bela: ",
    ];

    private static readonly Gen<ExportStyle> Styles = Gen.Enum<ExportStyle>();

    /// <summary>A chat: its style, whether the counterpart is a saved name, and its messages in time order.</summary>
    private static readonly Gen<(ExportStyle Style, bool ByName, WrittenMessage[] Messages)> Chats =
        Gen.Select(Styles, Gen.Bool, Gen.Int[0, 10 * 365 * 24 * 60])
            .SelectMany((style, byName, start) =>
                Gen.Select(Gen.Int[0, 3_000], Gen.Int[0, 59], Gen.Bool, Gen.Int[0, ChatExportWriter.Texts(style).Length - 1]).Array[1, 25]
                    .Select(steps => (style, byName, Messages(style, new DateTime(2020, 1, 1).AddMinutes(start), steps))));

    private static readonly Gen<(int Kind, int Position, int Length, string Piece)> Mutations =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, int.MaxValue], Gen.Int[1, 40], Gen.OneOf(Chaos));

    [Fact]
    public void Parse_ReadsBackExactlyWhatWasWritten() =>
        Chats.Sample((style, byName, messages) =>
        {
            var counterpart = byName ? CounterpartName : CounterpartNumber;
            var export = Parse(ChatExportWriter.Write(style, counterpart, messages), ChatExportWriter.FileName(style, counterpart));
            var expected = messages.Where(message => message.FromCounterpart).ToList();
            var actual = export.Messages.ToList();

            Assert.Equal(ChatKind.Direct, export.Kind);
            Assert.Equal(byName ? new ChatCounterpart(null, CounterpartName) : new ChatCounterpart("+5511987654321", null), export.Counterpart);
            Assert.Equal(style is ExportStyle.AndroidEnUs or ExportStyle.AndroidEnUsPlainSpace or ExportStyle.IPhoneEn
                ? ChatDateOrder.MonthDayYear : ChatDateOrder.DayMonthYear, export.DateOrder);
            Assert.Equal(expected.Select(message => message.Time), actual.Select(message => message.LocalTime));
            Assert.Equal(expected.Select(message => message.Text), actual.Select(message => message.Body));
            Assert.Equal(actual.Count, actual.Select(message => message.NaturalKey).Distinct().Count());
        }, iter: 1_500);

    [Fact]
    public void Parse_DamagedExport_FailsAsNotAChatOrReturnsOnlyTimesWrittenInIt() =>
        Gen.Select(Chats, Mutations.Array[1, 6]).Sample((chat, mutations) =>
        {
            var counterpart = chat.ByName ? CounterpartName : CounterpartNumber;
            var text = ChatExportWriter.Write(chat.Style, counterpart, chat.Messages);
            foreach (var mutation in mutations)
            {
                text = Mutate(text, mutation);
            }

            HoldsOn(text, ChatExportWriter.FileName(chat.Style, counterpart));
            HoldsOn(text, "_chat.txt");
        }, iter: 3_000);

    [Fact]
    public void Parse_AnyString_FailsAsNotAChatOrReturnsOnlyTimesWrittenInIt() =>
        Gen.String.Sample(text => HoldsOn(text, "Conversa do WhatsApp com Maria Souza.txt"), iter: 3_000);

    [Fact]
    public void Parse_AnyBytes_FailsAsNotAChatOrReturnsOnlyTimesWrittenInIt() =>
        Gen.Byte.Array[0, 3_000].Sample(bytes => HoldsOn(Encoding.UTF8.GetString(bytes), "not-a-chat.txt"), iter: 1_000);

    [Fact]
    public void Parse_ValidFirstLineThenGarbage_FailsAsNotAChatOrReturnsOnlyTimesWrittenInIt() =>
        Gen.Select(Styles, Gen.String.Array[0, 20]).Sample((style, lines) =>
        {
            var text = ChatExportWriter.Stamp(style, new DateTime(2026, 11, 2, 10, 14, 0)) + CounterpartNumber + ": Oi\n" + string.Join('\n', lines);
            HoldsOn(text, ChatExportWriter.FileName(style, CounterpartNumber));
        }, iter: 2_000);

    [Fact]
    public void Parse_SameTextTwice_GivesTheSameKeys() =>
        Chats.Sample((style, byName, messages) =>
        {
            var counterpart = byName ? CounterpartName : CounterpartNumber;
            var text = ChatExportWriter.Write(style, counterpart, messages);
            var fileName = ChatExportWriter.FileName(style, counterpart);

            Assert.Equal(Keys(Parse(text, fileName)), Keys(Parse(text, fileName)));
        }, iter: 500);

    [Fact]
    public void Parse_OverlappingExports_GiveTheSharedMessagesTheSameKeys() =>
        Gen.Select(Chats, Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Bool).Sample((chat, from, to, crlf) =>
        {
            var (style, byName, messages) = chat;
            var counterpart = byName ? CounterpartName : CounterpartNumber;
            var fileName = ChatExportWriter.FileName(style, counterpart);
            var end = 1 + to % messages.Length;

            // A later export starts at some message (not between two sent in the same second), and holds it all from there.
            var starts = Enumerable.Range(0, end).Where(i => i == 0 || messages[i - 1].Time != messages[i].Time).ToList();
            var start = starts[from % starts.Count];
            var all = Keys(Parse(ChatExportWriter.Write(style, counterpart, messages), fileName));
            var earlier = Keys(Parse(ChatExportWriter.Write(style, counterpart, messages[..end]), fileName));
            var later = Keys(Parse(ChatExportWriter.Write(style, counterpart, messages[start..], newLine: crlf ? "\r\n" : "\n"), fileName));
            var before = messages[..start].Count(message => message.FromCounterpart);

            Assert.Equal(all.Take(earlier.Count), earlier);
            Assert.Equal(all.Skip(before), later);
        }, iter: 1_000);

    private static WrittenMessage[] Messages(ExportStyle style, DateTime start, (int Minutes, int Seconds, bool FromCounterpart, int Text)[] steps)
    {
        var texts = ChatExportWriter.Texts(style);
        var time = start;
        return
        [
            .. steps.Select(step =>
            {
                time = time.AddMinutes(step.Minutes);
                var (text, marked) = texts[step.Text];
                var at = style.IsIPhone() ? time.AddSeconds(step.Seconds) : time;
                return new WrittenMessage(at, step.FromCounterpart, text, marked);
            }),
        ];
    }

    private static string Mutate(string text, (int Kind, int Position, int Length, string Piece) mutation)
    {
        var (kind, position, length, piece) = mutation;
        var at = text.Length == 0 ? 0 : position % (text.Length + 1);
        var lines = text.Split('\n');
        var line = position % lines.Length;
        return kind switch
        {
            0 => text[..at],
            1 => string.Join('\n', lines.OrderBy(_ => new Random(position).Next())),
            2 => string.Join('\n', lines.Where((_, i) => i != line)),
            3 => string.Join('\n', lines.Take(line + 1).Append(lines[line]).Concat(lines.Skip(line + 1))),
            4 => text.Insert(at, piece),
            5 => text.Remove(at, Math.Min(length, text.Length - at)).Insert(at, piece),
            6 => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text)),
            7 => text.Replace("\n", "\r\n", StringComparison.Ordinal),
            8 => text.Remove(at, Math.Min(length, text.Length - at)),
            _ => string.Join('\n', lines.Select((l, i) => i == line ? lines[(line + length) % lines.Length] : l)),
        };
    }

    /// <summary>The only failure is "not a chat" (or an unidentifiable counterpart), raised by Parse; every time returned is written in the text.</summary>
    private static void HoldsOn(string text, string fileName)
    {
        ChatExport export;
        try
        {
            export = Parse(text, fileName);
        }
        catch (ChatExportException failure)
        {
            Assert.False(string.IsNullOrWhiteSpace(failure.Message));
            return;
        }

        var written = TimesWritten(text);
        foreach (var message in export.Messages)
        {
            Assert.True(written.Contains(message.LocalTime), $"{message.LocalTime:O} is in no line of:\n{text}");
            Assert.Equal(DateTimeKind.Unspecified, message.LocalTime.Kind);
            Assert.Matches("^[0-9a-f]{32}$", message.NaturalKey);
        }
    }

    /// <summary>
    /// An oracle written independently of the parser, and more lenient: every time any line starts with, read every way
    /// (day or month first, or year first; hour as written, as AM or as PM).
    /// </summary>
    private static HashSet<DateTime> TimesWritten(string text)
    {
        var times = new HashSet<DateTime>();
        foreach (var line in LineBreak().Split(text))
        {
            var match = LineStart().Match(line);
            if (!match.Success)
            {
                continue;
            }

            int Part(int group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
            var (a, b, c) = (Part(1), Part(3), Part(4));
            var (hour, minute) = (Part(5), Part(6));
            var second = match.Groups[7].Success ? Part(7) : 0;
            foreach (var (year, month, day) in new[] { (c, b, a), (c, a, b), (a, b, c) })
            {
                foreach (var h in new[] { hour, hour % 12, hour % 12 + 12 })
                {
                    var y = year < 100 ? 2000 + year : year;
                    if (y is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(y, month) && h < 24 && minute < 60 && second < 60)
                    {
                        times.Add(new DateTime(y, month, day, h, minute, second));
                    }
                }
            }
        }

        return times;
    }

    private static ChatExport Parse(string text, string fileName) => Parser.Parse(() => new StringReader(text), fileName);

    private static List<string> Keys(ChatExport export) => [.. export.Messages.Select(message => message.NaturalKey)];

    [GeneratedRegex(@"\r\n|\r|\n")]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"^[\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]*\[?(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4}),?[ \t\u00A0\u202F\u2007\u2009]+(\d{1,2}):(\d{2})(?::(\d{2}))?")]
    private static partial Regex LineStart();
}
