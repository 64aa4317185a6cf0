using System.Globalization;
using Vinculo.Import;
using Vinculo.Phones;
using Vinculo.Testing;
using Xunit;

namespace Vinculo.Core.Tests.Import;

/// <summary>
/// Numbers as phones really write them into exports: with any dash, any space, and direction or formatting marks around
/// or inside the number, in the file name, the sender field and numbers mentioned in a message. Each class of hidden
/// character gets 10,000 generated spellings of valid Brazilian mobiles, each of which must read as its own number.
/// </summary>
public sealed class HiddenCharacterNumberTests
{
    private const int Spellings = 10_000;

    private static readonly PhoneClassifier Phones = new(new PhoneOptions());
    private static readonly ChatExportParser Parser = new(Phones);

    private static readonly int[] AreaCodes =
    [
        11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43, 44, 45, 46, 47, 48, 49,
        51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89,
        91, 92, 93, 94, 95, 96, 97, 98, 99,
    ];

    public static TheoryData<string, string> Classes => new()
    {
        // U+2010…U+2015, the minus sign, and the non-breaking hyphen iPhones write (U+2011) among them.
        { "dashes", "\u2010\u2011\u2012\u2013\u2014\u2015\u2212-" },
        { "spaces", "\u00A0\u202F\u2009 " },
        { "marks", "\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069" },
    };

    [Theory]
    [MemberData(nameof(Classes))]
    public void FileName_ReadsTheNumber_WhateverHiddenCharactersItHolds(string kind, string hidden)
    {
        var random = new Random(Seed(kind, 1));
        for (var i = 0; i < Spellings; i++)
        {
            var e164 = NewMobile(random);
            var spelled = Spell(e164, hidden, random);
            var fileName = (i % 2 == 0 ? "Conversa do WhatsApp com " : "WhatsApp Chat - ") + spelled + (i % 3 == 0 ? ".zip" : ".txt");

            // Only the business wrote: the number can come from the file name alone.
            var export = Parser.Parse(() => new StringReader("02/11/2026 10:14 - Doceria Bela: Olá!\n"), fileName);

            Assert.True(e164 == export.Counterpart?.Phone, $"{kind} #{i}: {Visible(fileName)} read as {export.Counterpart?.Phone ?? "no number"}");
        }
    }

    [Theory]
    [MemberData(nameof(Classes))]
    public void SenderAndMentionedNumber_ReadAsTheirNumbers_WhateverHiddenCharactersTheyHold(string kind, string hidden)
    {
        var random = new Random(Seed(kind, 2));
        for (var i = 0; i < Spellings; i++)
        {
            var e164 = NewMobile(random);
            var mentioned = NewMobile(random);
            var sender = Spell(e164, hidden, random);
            var text =
                "02/11/2026 10:14 - Doceria Bela: Olá!\n" +
                $"02/11/2026 10:15 - {sender}: o número da minha irmã é {Spell(mentioned, hidden, random)}, pode chamar\n";

            var export = Parser.Parse(() => new StringReader(text), "_chat.txt");
            var messages = export.Messages.ToList();

            var what = $"{kind} #{i}: {Visible(text)}";
            Assert.True(e164 == export.Counterpart?.Phone, what);
            var message = Assert.Single(messages);
            Assert.True(message.MentionedPhones.SequenceEqual([mentioned]), $"{what} mentions {string.Join(", ", message.MentionedPhones)}");
        }
    }

    /// <summary>A valid Brazilian mobile, E.164.</summary>
    private static string NewMobile(Random random)
    {
        while (true)
        {
            var e164 = string.Create(
                CultureInfo.InvariantCulture,
                $"+55{AreaCodes[random.Next(AreaCodes.Length)]}9{random.Next(6, 10)}{random.Next(0, 10_000_000):D7}");
            if (Phones.Classify(e164) is { Status: PhoneStatuses.Valid, E164: { } valid } && valid == e164)
            {
                return e164;
            }
        }
    }

    /// <summary>
    /// The number in one of the forms phones show it, its spaces or dashes swapped for hidden ones of the class, and one to
    /// three more of them anywhere: before, inside (between any two characters) or after.
    /// </summary>
    private static string Spell(string e164, string hidden, Random random)
    {
        var ddd = e164[3..5];
        var head = e164[5..10];
        var tail = e164[10..];
        var shown = random.Next(5) switch
        {
            0 => $"+55 {ddd} {head}-{tail}",
            1 => $"({ddd}) {head}-{tail}",
            2 => $"+55 ({ddd}) {head}-{tail}",
            3 => $"{ddd} {head}-{tail}",
            _ => $"+55{ddd}{head}{tail}",
        };
        return HiddenCharacters.Sprinkle(shown, hidden, random);
    }

    private static int Seed(string kind, int test) => kind.Length * 7919 + kind[0] * 31 + test;

    private static string Visible(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"<U+{(int)c:X4}>"));
}
