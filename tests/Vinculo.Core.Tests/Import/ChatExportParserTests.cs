using Vinculo.Import;
using Vinculo.Phones;
using Xunit;

namespace Vinculo.Core.Tests.Import;

public sealed class ChatExportParserTests
{
    private const string Number = "+55 11 98765-4321";
    private const string E164 = "+5511987654321";
    private const string PtFile = "Conversa do WhatsApp com +55 11 98765-4321.txt";
    private const string EnFile = "WhatsApp Chat with +55 11 98765-4321.txt";

    private static readonly ChatExportParser Parser = new(new PhoneClassifier(new PhoneOptions()));

    // Layouts and clocks

    [Fact]
    public void Parse_AndroidPortuguese24Hour()
    {
        var export = Parse(
            """
            03/11/2026 21:12 - As mensagens e ligações são protegidas com a criptografia de ponta a ponta. Toque para saber mais.
            03/11/2026 21:12 - +55 11 98765-4321: Oi!
            03/11/2026 21:30 - Doceria Bela: Olá
            04/11/2026 00:05 - +55 11 98765-4321: Tudo bem?
            """, PtFile);

        Assert.Equal(ChatLayout.Android, export.Layout);
        Assert.Equal(ChatDateOrder.DayMonthYear, export.DateOrder);
        Assert.Equal([At(2026, 11, 3, 21, 12), At(2026, 11, 4, 0, 5)], Times(export));
    }

    [Theory]
    [InlineData("\u202F")]
    [InlineData(" ")]
    [InlineData("\u00A0")]
    public void Parse_AndroidEnglish12Hour_WithAnySpaceBeforeAmPm(string space)
    {
        var export = Parse(
            $"""
            11/3/26, 9:12{space}PM - Messages and calls are end-to-end encrypted. Learn more.
            11/3/26, 9:12{space}PM - +55 11 98765-4321: Hi!
            11/4/26, 12:05{space}AM - +55 11 98765-4321: Midnight
            11/4/26, 12:30{space}PM - +55 11 98765-4321: Noon
            11/4/26, 1:00{space}am - Doceria Bela: ok
            """, EnFile);

        Assert.Equal(ChatDateOrder.MonthDayYear, export.DateOrder);
        Assert.Equal([At(2026, 11, 3, 21, 12), At(2026, 11, 4, 0, 5), At(2026, 11, 4, 12, 30)], Times(export));
    }

    [Theory]
    [InlineData("a.m.", "p.m.")]
    [InlineData("a. m.", "p. m.")]
    [InlineData("am", "pm")]
    [InlineData("AM", "PM")]
    public void Parse_12HourClock_WithDottedOrLowerCaseMarkers(string am, string pm)
    {
        var messages = Messages(
            $"""
            13/03/2026, 9:12 {pm} - +55 11 98765-4321: noite
            14/03/2026, 9:12 {am} - +55 11 98765-4321: manhã
            """, "_chat.txt");

        Assert.Equal([At(2026, 3, 13, 21, 12), At(2026, 3, 14, 9, 12)], messages.Select(message => message.LocalTime));
    }

    [Fact]
    public void Parse_IPhoneEnglish12Hour_WithMarksAndPlaceholders()
    {
        var export = Parse(
            "\u200E[11/3/26, 9:12:05\u202FPM] +55 11 98765-4321: \u200EMessages and calls are end-to-end encrypted. Only people in this chat can read them.\n" +
            "[11/3/26, 9:12:05\u202FPM] +55 11 98765-4321: Hi!\n" +
            "\u200E[11/3/26, 9:13:00\u202FPM] +55 11 98765-4321: \u200Eimage omitted\n" +
            "\u200E[11/3/26, 9:14:00\u202FPM] +55 11 98765-4321: \u200E<attached: 00000005-PHOTO-2026-11-03-21-14-00.jpg>\n" +
            "[11/3/26, 9:15:00\u202FPM] +55 11 98765-4321: Menu.pdf • \u200E2 pages \u200Edocument omitted\n" +
            "\u200E[11/3/26, 9:16:00\u202FPM] +55 11 98765-4321: \u200EThis message was deleted.\n" +
            "[11/3/26, 9:17:00\u202FPM] Doceria Bela: Thanks\n",
            "WhatsApp Chat - +55 11 98765-4321.zip");
        var messages = export.Messages.ToList();

        Assert.Equal(ChatLayout.IPhone, export.Layout);
        Assert.Equal(ChatDateOrder.MonthDayYear, export.DateOrder);
        Assert.Equal(E164, export.Counterpart!.Phone);
        Assert.Equal(
            [ChatMessageKind.Text, ChatMessageKind.Media, ChatMessageKind.Media, ChatMessageKind.Media, ChatMessageKind.Deleted],
            messages.Select(message => message.Kind));
        Assert.Equal(At(2026, 11, 3, 21, 12, 5), messages[0].LocalTime);
        Assert.Equal("image omitted", messages[1].Body);
        Assert.DoesNotContain(messages, message => message.Body.Contains('\u200E', StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_IPhonePortuguese24Hour_WithAttachment()
    {
        var messages = Messages(
            "\u200E[07/11/2026, 13:05:40] Maria Souza: \u200EAs mensagens e as ligações são protegidas com a criptografia de ponta a ponta.\n" +
            "\u200E[07/11/2026, 13:09:31] Maria Souza: \u200E<anexado: 00000012-PHOTO-2026-11-07-13-09-31.jpg>\n" +
            "[07/11/2026, 13:10:00] Maria Souza: \u200EVocê apagou esta mensagem.\n" +
            "\u200E[07/11/2026, 13:11:00] Maria Souza: \u200EMensagem apagada\n",
            "Conversa do WhatsApp - Maria Souza.zip");

        Assert.Equal([ChatMessageKind.Media, ChatMessageKind.Deleted, ChatMessageKind.Deleted], messages.Select(message => message.Kind));
    }

    [Fact]
    public void Parse_YearFirstDates()
    {
        var export = Parse("2026-11-03 21:12 - +55 11 98765-4321: Oi\n2026-11-04 08:00 - +55 11 98765-4321: Oi de novo\n", PtFile);

        Assert.Equal(ChatDateOrder.YearMonthDay, export.DateOrder);
        Assert.Equal([At(2026, 11, 3, 21, 12), At(2026, 11, 4, 8, 0)], Times(export));
    }

    [Fact]
    public void Parse_DottedDatesWithTwoDigitYears()
    {
        var messages = Messages("24.12.26, 18:00 - +55 11 98765-4321: Feliz Natal\n", PtFile);

        Assert.Equal(At(2026, 12, 24, 18, 0), Assert.Single(messages).LocalTime);
    }

    // Text encodings and line endings

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\r")]
    [InlineData("\n")]
    public void Parse_AnyLineEnding_GivesTheSameMessages(string newLine)
    {
        var text = "\uFEFF02/11/2026 10:31 - +55 11 98765-4321: Para sábado.\nCom vela\n\nE cobertura\n02/11/2026 10:33 - Doceria Bela: Pode sim\n"
            .Replace("\n", newLine, StringComparison.Ordinal);
        var message = Assert.Single(Messages(text, PtFile));

        Assert.Equal("Para sábado.\nCom vela\n\nE cobertura", message.Body);
        Assert.Equal(At(2026, 11, 2, 10, 31), message.LocalTime);
    }

    [Fact]
    public void Parse_BomAndBlankLinesBeforeTheFirstLine_AreIgnored()
    {
        var message = Assert.Single(Messages("\uFEFF\n  \n\u200E\n02/11/2026 10:31 - +55 11 98765-4321: Oi", PtFile));

        Assert.Equal("Oi", message.Body);
    }

    [Fact]
    public void Parse_MessageStartingWithALineBreak_KeepsItsText()
    {
        var message = Assert.Single(Messages("02/11/2026 10:31 - +55 11 98765-4321:\nLista:\n- bolo\n- torta\n", PtFile));

        Assert.Equal("Lista:\n- bolo\n- torta", message.Body);
    }

    // Continuation lines

    [Fact]
    public void Parse_LinesThatMatchNoLayout_ContinueTheMessageAbove()
    {
        var message = Assert.Single(Messages(
            """
            02/11/2026 10:31 - +55 11 98765-4321: Pode ser:
            02/11 às 10h - combinado?
            10:30 também serve
            [07/11/2026, 13:05:40] isto é texto colado de um iPhone
            31/02/2026 10:00 - data que não existe
            """, PtFile));

        Assert.Equal(5, message.Body.Split('\n').Length);
        Assert.EndsWith("data que não existe", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LinesBelowASystemLineOrTheBusiness_AreDropped()
    {
        var messages = Messages(
            """
            02/11/2026 10:30 - Doceria Bela mudou a descrição do grupo
            linha da descrição
            02/11/2026 10:31 - Doceria Bela: Olá
            segunda linha da empresa
            02/11/2026 10:32 - +55 11 98765-4321: Oi
            """, PtFile);

        Assert.Equal("Oi", Assert.Single(messages).Body);
    }

    [Fact]
    public void Parse_VeryLongMessage_IsCutAtWhatsAppsLimit()
    {
        var longLine = new string('a', 200_000);
        var messages = Messages($"02/11/2026 10:31 - +55 11 98765-4321: {longLine}\n{longLine}\n02/11/2026 10:32 - +55 11 98765-4321: fim\n", PtFile);

        Assert.Equal(2, messages.Count);
        Assert.Equal(65_536, messages[0].Body.Length);
        Assert.Equal("fim", messages[1].Body);
    }

    // System lines, media and deleted markers

    [Fact]
    public void Parse_SystemLines_AreNotInteractions()
    {
        var messages = Messages(
            """
            02/11/2026 10:00 - As mensagens e ligações são protegidas com a criptografia de ponta a ponta e ficam somente entre você e os participantes desta conversa.
            02/11/2026 10:01 - O código de segurança de +55 11 98765-4321 mudou. Toque para saber mais.
            02/11/2026 10:02 - Esta conversa é com uma conta comercial. Toque para saber mais.
            02/11/2026 10:03 - +55 11 98765-4321: Oi
            """, PtFile);

        Assert.Equal(At(2026, 11, 2, 10, 3), Assert.Single(messages).LocalTime);
    }

    [Theory]
    [InlineData("<Mídia oculta>", ChatMessageKind.Media)]
    [InlineData("<Arquivo de mídia oculto>", ChatMessageKind.Media)]
    [InlineData("<Media omitted>", ChatMessageKind.Media)]
    [InlineData("IMG-20261102-WA0001.jpg (arquivo anexado)", ChatMessageKind.Media)]
    [InlineData("PTT-20261102-WA0002.opus (file attached)", ChatMessageKind.Media)]
    [InlineData("Localização: https://maps.google.com/?q=-23.5,-46.6", ChatMessageKind.Media)]
    [InlineData("null", ChatMessageKind.Media)]
    [InlineData("\u200Eimagem ocultada", ChatMessageKind.Media)]
    [InlineData("\u200Eáudio ocultado", ChatMessageKind.Media)]
    [InlineData("\u200Efigurinha omitida", ChatMessageKind.Media)]
    [InlineData("\u200Esticker omitted", ChatMessageKind.Media)]
    [InlineData("\u200E<anexado: 00000012-PHOTO.jpg>", ChatMessageKind.Media)]
    [InlineData("Mensagem apagada", ChatMessageKind.Deleted)]
    [InlineData("Esta mensagem foi apagada", ChatMessageKind.Deleted)]
    [InlineData("This message was deleted", ChatMessageKind.Deleted)]
    [InlineData("A imagem ficou linda", ChatMessageKind.Text)]
    [InlineData("<3", ChatMessageKind.Text)]
    public void Parse_RecognisesPlaceholdersAndDeletedMarkers(string text, ChatMessageKind kind)
    {
        var message = Assert.Single(Messages($"02/11/2026 10:31 - +55 11 98765-4321: {text}\n", PtFile));

        Assert.Equal(kind, message.Kind);
    }

    [Fact]
    public void Parse_MediaCaption_IsKeptAfterThePlaceholder()
    {
        var message = Assert.Single(Messages("02/11/2026 10:31 - +55 11 98765-4321: IMG-20261102-WA0001.jpg (arquivo anexado)\nEsse aqui, (11) 91234-5678\n", PtFile));

        Assert.Equal(ChatMessageKind.Media, message.Kind);
        Assert.Equal(["+5511912345678"], message.MentionedPhones);
    }

    // Groups

    [Fact]
    public void Parse_GroupEvents_MakeAGroup_EvenWithAColonInAQuotedSubject()
    {
        var export = Parse(
            """
            20/11/2026 15:00 - Você criou o grupo "Natal"
            20/11/2026 15:01 - Você mudou o assunto de "Natal" para "Natal: encomendas"
            20/11/2026 15:02 - +55 11 97777-1111: Oi gente
            """, "Conversa do WhatsApp com Natal.txt");

        Assert.Equal(ChatKind.Group, export.Kind);
        Assert.Equal("+5511977771111", Assert.Single(export.Messages).Sender.Phone);
    }

    [Fact]
    public void Parse_IPhoneGroup_WithEventsUnderTheGroupsName()
    {
        var export = Parse(
            "\u200E[20/11/2026, 15:00:00] Natal: \u200EAs mensagens e as ligações são protegidas com a criptografia de ponta a ponta.\n" +
            "\u200E[20/11/2026, 15:00:01] Natal: \u200EDoceria Bela criou este grupo\n" +
            "\u200E[20/11/2026, 15:00:02] Natal: \u200EDoceria Bela adicionou você\n" +
            "[20/11/2026, 15:02:00] ~\u202FAna: Oi\n" +
            "[20/11/2026, 15:03:00] +55 31 95555-3333: Quero 2\n",
            "Conversa do WhatsApp - Natal.zip");

        Assert.Equal(ChatKind.Group, export.Kind);
        Assert.Equal(["+5531955553333"], export.Messages.Select(message => message.Sender.Phone));
    }

    [Fact]
    public void Parse_MoreThanTwoSenders_IsAGroup_AndMembersShownByNameAreSkipped()
    {
        var export = Parse(
            """
            20/11/2026 15:02 - +55 11 97777-1111: Oi
            20/11/2026 15:03 - Ana Lima: Oi
            20/11/2026 15:04 - Doceria Bela: Olá
            20/11/2026 15:05 - +55 11 97777-1111: Tchau
            """, "_chat.txt");

        Assert.Equal(ChatKind.Group, export.Kind);
        Assert.Equal(["+5511977771111", "+5511977771111"], export.Messages.Select(message => message.Sender.Phone));
    }

    [Fact]
    public void Parse_FileNamedAfterANumber_IsNeverAGroup()
    {
        var export = Parse("20/11/2026 15:02 - +55 11 98765-4321: Maria adicionou o endereço\n20/11/2026 15:03 - Doceria Bela added item\n", PtFile);

        Assert.Equal(ChatKind.Direct, export.Kind);
    }

    // Who the counterpart is

    [Theory]
    [InlineData("Conversa do WhatsApp com Maria Souza.txt")]
    [InlineData("WhatsApp Chat with MARIA SOUZA.txt")]
    [InlineData("Conversa do WhatsApp - Maria  Souza.zip")]
    [InlineData("/inbox/2026/Conversa do WhatsApp com Maria Sóuza (1).txt")]
    public void Parse_SavedContact_IsMatchedToTheFileNameIgnoringCaseAccentsAndSpaces(string fileName)
    {
        var export = Parse("05/10/2026 08:01 - Doceria Bela: Oi\n05/10/2026 08:02 - Maria Souza: Olá\n", fileName);

        Assert.Equal(new ChatCounterpart(null, "Maria Souza"), export.Counterpart);
        Assert.Equal("Olá", Assert.Single(export.Messages).Body);
    }

    [Fact]
    public void Parse_CounterpartWhoNeverWrote_IsReportedWithNoInteractions()
    {
        var byNumber = Parse("05/10/2026 08:01 - Doceria Bela: Promoção!\n", PtFile);
        var byName = Parse("05/10/2026 08:01 - Doceria Bela: Promoção!\n", "Conversa do WhatsApp com Maria Souza.txt");

        Assert.Equal(new ChatCounterpart(E164, null), byNumber.Counterpart);
        Assert.Empty(byNumber.Messages);
        Assert.Equal(new ChatCounterpart(null, "Maria Souza"), byName.Counterpart);
        Assert.Empty(byName.Messages);
    }

    [Fact]
    public void Parse_WithoutAUsefulFileName_TakesTheOnlySenderShownAsANumber()
    {
        var export = Parse("05/10/2026 08:01 - Doceria Bela: Oi\n05/10/2026 08:02 - +55 11 98765-4321: Olá\n", "_chat.txt");

        Assert.Equal(new ChatCounterpart(E164, null), export.Counterpart);
        Assert.Null(export.Title);
        Assert.Single(export.Messages);
    }

    [Fact]
    public void Parse_WithoutAUsefulFileName_TakesTheNameAnIPhoneNoticeComesUnder()
    {
        var export = Parse(
            "\u200E[05/10/2026, 08:01:00] Maria Souza: \u200EAs mensagens e as ligações são protegidas com a criptografia de ponta a ponta.\n" +
            "[05/10/2026, 08:01:10] Doceria Bela: Oi\n" +
            "[05/10/2026, 08:02:00] Maria Souza: Olá\n",
            "_chat.txt");

        Assert.Equal(new ChatCounterpart(null, "Maria Souza"), export.Counterpart);
        Assert.Equal("Olá", Assert.Single(export.Messages).Body);
    }

    [Fact]
    public void Parse_OwnMessagesShownAsYou_AreTheBusinesss()
    {
        var export = Parse("05/10/2026 08:01 - Você: Oi\n05/10/2026 08:02 - Maria Souza: Olá\n", "backup.txt");

        Assert.Equal(new ChatCounterpart(null, "Maria Souza"), export.Counterpart);
    }

    [Fact]
    public void Parse_TwoNamedSendersAndNoHint_FailsRatherThanGuess()
    {
        var failure = Assert.Throws<ChatExportException>(
            () => Parse("05/10/2026 08:01 - Doceria Bela: Oi\n05/10/2026 08:02 - Maria Souza: Olá\n", "_chat.txt"));

        Assert.Equal(ChatExportFailure.UnknownCounterpart, failure.Failure);
        Assert.Contains("contato", failure.Message, StringComparison.Ordinal);
    }

    // Date order

    [Theory]
    [InlineData("Conversa do WhatsApp com +55 11 98765-4321.txt", "02/11/2026 10:14", ChatDateOrder.DayMonthYear)]
    [InlineData("WhatsApp Chat with +55 11 98765-4321.txt", "02/11/2026, 10:14", ChatDateOrder.DayMonthYear)]
    [InlineData("WhatsApp Chat with +55 11 98765-4321.txt", "2/11/26, 10:14 AM", ChatDateOrder.MonthDayYear)]
    [InlineData("_chat.txt", "2/11/26, 10:14 AM", ChatDateOrder.MonthDayYear)]
    [InlineData("Conversa do WhatsApp com +55 11 98765-4321.txt", "02/11/2026 10:14 AM", ChatDateOrder.DayMonthYear)]
    [InlineData("_chat.txt", "02/11/2026 10:14", ChatDateOrder.DayMonthYear)]
    public void Parse_AllDatesAmbiguous_LanguageThenClockDecide(string fileName, string stamp, ChatDateOrder order)
    {
        var export = Parse($"{stamp} - +55 11 98765-4321: Oi\n", fileName);

        Assert.Equal(order, export.DateOrder);
    }

    [Fact]
    public void Parse_PortugueseTextDecides_WhenTheFileNameSaysNothing()
    {
        var export = Parse("2/11/26, 10:14 AM - +55 11 98765-4321: <Mídia oculta>\n2/11/26, 10:15 AM - +55 11 98765-4321: Esta mensagem foi apagada\n", "_chat.txt");

        Assert.Equal(ChatDateOrder.DayMonthYear, export.DateOrder);
    }

    [Fact]
    public void Parse_OneUnambiguousDateAtTheEnd_DecidesForTheWholeFile()
    {
        var lines = Enumerable.Range(1, 12).Select(day => $"11/{day}/26, 9:00 AM - +55 11 98765-4321: dia {day}").ToList();
        lines.Add("12/13/26, 9:00 AM - +55 11 98765-4321: fim");
        var export = Parse(string.Join('\n', lines), "Conversa do WhatsApp com +55 11 98765-4321.txt");

        // Portuguese file name and a 12-hour clock, but the 13th can only be a day: month first, from the first line on.
        Assert.Equal(ChatDateOrder.MonthDayYear, export.DateOrder);
        Assert.Equal(new DateTime(2026, 11, 1, 9, 0, 0), export.Messages.First().LocalTime);
    }

    [Fact]
    public void Parse_DatesThatContradictTheMajority_AreReadAsText()
    {
        var messages = Messages(
            """
            13/11/2026 09:00 - +55 11 98765-4321: um
            14/11/2026 09:00 - +55 11 98765-4321: dois
            11/15/2026 09:00 - +55 11 98765-4321: colado de outro lugar
            """, PtFile);

        Assert.Equal(2, messages.Count);
        Assert.EndsWith("colado de outro lugar", messages[1].Body, StringComparison.Ordinal);
    }

    // Not a chat

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFF\n\n   \n")]
    [InlineData("Lista de compras\n02/11/2026 10:14 - +55 11 98765-4321: Oi\n")]
    [InlineData("name,phone\nMaria,+55 11 98765-4321\n")]
    [InlineData("02/11/2026 - sem hora\n")]
    [InlineData("\u0089PNG\r\n\u001A\n\0\0\0\rIHDR")]
    public void Parse_NotAChat_FailsWithAReason(string text)
    {
        var failure = Assert.Throws<ChatExportException>(() => Parse(text, PtFile));

        Assert.Equal(ChatExportFailure.NotAChat, failure.Failure);
        Assert.StartsWith("O arquivo", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HugeFileWithoutLineBreaks_FailsWithoutReadingItAllIntoOneString()
    {
        var failure = Assert.Throws<ChatExportException>(() => Parser.Parse(() => new StringReader(new string('x', 3_000_000)), "x.txt"));

        Assert.Equal(ChatExportFailure.NotAChat, failure.Failure);
    }

    // Mentioned numbers

    [Theory]
    [InlineData("o número dele é (11) 91234-5678", "+5511912345678")]
    [InlineData("liga no +55 21 99876-5432, é a minha irmã", "+5521998765432")]
    [InlineData("quero 2 11 91234-5678", "+5511912345678")]
    [InlineData("11912345678", "+5511912345678")]
    [InlineData("tel. 5511912345678.", "+5511912345678")]
    [InlineData("(11) 9123-4567 é o antigo", "+5511991234567")]
    [InlineData("11 98765-4321 11 91234-5678", "+5511987654321,+5511912345678")]
    [InlineData("(11) 91234-5678 ou (11) 91234-5678", "+5511912345678")]
    [InlineData("R$ 89,90 no pix 12.345.678/0001-90 em 02/11/2026 às 10:14, CEP 01310-100", "")]
    [InlineData("CPF 123.456.789-09, pedido 4587", "")]
    [InlineData("fixo (11) 3456-7890", "")]
    [InlineData("código ABC11912345678", "")]
    [InlineData("código 11912345678XYZ", "")]
    public void Parse_FindsWhatsAppNumbersWrittenInAMessage(string text, string expected)
    {
        var message = Assert.Single(Messages($"02/11/2026 10:31 - +55 11 98765-4321: {text}\n", PtFile));

        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), message.MentionedPhones);
    }

    // Streaming

    [Fact]
    public void Messages_OpensTheTextAgainForEachEnumeration_AndDisposesEveryReader()
    {
        var opened = new List<TrackingReader>();
        var export = Parser.Parse(
            () =>
            {
                var reader = new TrackingReader("02/11/2026 10:31 - +55 11 98765-4321: Oi\n");
                opened.Add(reader);
                return reader;
            },
            PtFile);

        Assert.Single(export.Messages);
        Assert.Single(export.Messages);
        Assert.Equal(3, opened.Count);
        Assert.All(opened, reader => Assert.True(reader.Disposed));
    }

    private static ChatExport Parse(string text, string? fileName) => Parser.Parse(() => new StringReader(text), fileName);

    private static List<ChatMessage> Messages(string text, string? fileName) => [.. Parse(text, fileName).Messages];

    private static IEnumerable<DateTime> Times(ChatExport export) => export.Messages.Select(message => message.LocalTime);

    private static DateTime At(int year, int month, int day, int hour, int minute, int second = 0) => new(year, month, day, hour, minute, second);

    private sealed class TrackingReader(string text) : StringReader(text)
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
