using Vinculo.Import;
using Vinculo.Phones;
using Xunit;

namespace Vinculo.Core.Tests.Import;

/// <summary>
/// Clocks and dates as exports from other locales write them: each file must give the local times the phone showed. The
/// day/month order is the whole file's, decided by any date that reads one way only, else by the file's language and clock.
/// </summary>
public sealed class ChatClockVariantTests
{
    private const string E164 = "+5511987654321";

    private static readonly ChatExportParser Parser = new(new PhoneClassifier(new PhoneOptions()));

    public static TheoryData<string, string, string, string[]> Variants => new()
    {
        {
            "Spanish Android, 12-hour 'p. m.' with no-break spaces, day first by language",
            "Chat de WhatsApp con +55 11 98765-4321.txt",
            "3/11/26, 9:12\u00A0p.\u00A0m. - Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera de este chat puede leerlos.\n" +
            "3/11/26, 9:13\u00A0p.\u00A0m. - +55 11 98765-4321: Hola\n" +
            "4/11/26, 12:05\u00A0a.\u00A0m. - +55 11 98765-4321: <Multimedia omitido>\n" +
            "4/11/26, 12:30\u00A0p.\u00A0m. - Tú: Buenas\n",
            ["2026-11-03 21:13", "2026-11-04 00:05"]
        },
        {
            "Spanish iPhone, 'a. m.' with narrow no-break spaces, the notice under the counterpart",
            "_chat.txt",
            "[3/11/26, 9:12:05\u202Fa.\u202Fm.] +55 11 98765-4321: \u200ELos mensajes y las llamadas están cifrados de extremo a extremo.\n" +
            "[3/11/26, 9:14:00\u202Fa.\u202Fm.] +55 11 98765-4321: Hola\n" +
            "[5/11/26, 11:59:59\u202Fp.\u202Fm.] +55 11 98765-4321: \u200Eimagen omitida\n",
            ["2026-11-03 09:14:00", "2026-11-05 23:59:59"]
        },
        {
            "English 'a.m.'/'p.m.' with a day-first date, settled by a day above 12 on the last line",
            "WhatsApp Chat with +55 11 98765-4321.txt",
            "03/11/2026, 9:12 p.m. - Messages and calls are end-to-end encrypted. Learn more.\n" +
            "03/11/2026, 9:13 p.m. - +55 11 98765-4321: Hi\n" +
            "04/11/2026, 12:05 a.m. - +55 11 98765-4321: <Media omitted>\n" +
            "13/11/2026, 12:30 p.m. - +55 11 98765-4321: Noon\n",
            ["2026-11-03 21:13", "2026-11-04 00:05", "2026-11-13 12:30"]
        },
        {
            "English with U+202F before AM/PM, month first",
            "WhatsApp Chat with +55 11 98765-4321.txt",
            "11/3/26, 9:12\u202FPM - Messages and calls are end-to-end encrypted. Learn more.\n" +
            "11/3/26, 9:13\u202FPM - +55 11 98765-4321: Hi\n" +
            "11/4/26, 12:05\u202FAM - +55 11 98765-4321: Late\n",
            ["2026-11-03 21:13", "2026-11-04 00:05"]
        },
        {
            "en-US set to 24 hours: month first, though no date settles it",
            "WhatsApp Chat with +55 11 98765-4321.txt",
            "11/3/26, 21:12 - Messages and calls are end-to-end encrypted. Learn more.\n" +
            "11/3/26, 21:13 - +55 11 98765-4321: Hi\n" +
            "11/4/26, 00:05 - +55 11 98765-4321: <Media omitted>\n",
            ["2026-11-03 21:13", "2026-11-04 00:05"]
        },
        {
            "en-US 24 hours, settled by a month-first date on the last line whatever the language says",
            "Conversa do WhatsApp com +55 11 98765-4321.txt",
            "02/11/2026 10:14 - As mensagens e ligações são protegidas com a criptografia de ponta a ponta.\n" +
            "02/11/2026 10:15 - +55 11 98765-4321: Oi\n" +
            "02/13/2026 08:00 - +55 11 98765-4321: <Mídia oculta>\n",
            ["2026-02-11 10:15", "2026-02-13 08:00"]
        },
        {
            "Portuguese 24 hours, a day above 12 far down settles the lines above it",
            "Conversa do WhatsApp com +55 11 98765-4321.txt",
            "01/02/2026 10:14 - As mensagens e ligações são protegidas com a criptografia de ponta a ponta.\n" +
            "01/02/2026 10:15 - +55 11 98765-4321: Oi\n" +
            "12/02/2026 10:16 - +55 11 98765-4321: Oi de novo\n" +
            "13/02/2026 10:17 - +55 11 98765-4321: Última\n",
            ["2026-02-01 10:15", "2026-02-12 10:16", "2026-02-13 10:17"]
        },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Variant_GivesTheLocalTimesThePhoneShowed(string variant, string fileName, string text, string[] expected)
    {
        var export = Parser.Parse(() => new StringReader(text), fileName);

        Assert.True(E164 == export.Counterpart?.Phone, variant);
        var times = export.Messages.Select(m => m.LocalTime.ToString(expected[0].Length > 16 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, times);
    }
}
