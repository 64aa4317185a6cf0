using Vinculo.Import;
using Vinculo.Phones;
using Xunit;

namespace Vinculo.Core.Tests.Import;

/// <summary>Every export in <c>../shared/data/chats</c> yields what <c>EXPECTED.md</c> there lists.</summary>
public sealed class SharedChatSampleTests
{
    private static readonly ChatExportParser Parser = new(new PhoneClassifier(new PhoneOptions()));

    [Fact]
    public void AndroidPortuguese_WithNumber_YieldsSixInteractionsAndTheMentionedNumber()
    {
        const string file = "Conversa do WhatsApp com +55 11 98765-4321.txt";
        var export = Parser.Parse(SharedChatSamples.Open(file), file);
        var messages = export.Messages.ToList();

        Assert.Equal(ChatKind.Direct, export.Kind);
        Assert.Equal(ChatLayout.Android, export.Layout);
        Assert.Equal(ChatDateOrder.DayMonthYear, export.DateOrder);
        Assert.Equal(new ChatCounterpart("+5511987654321", null), export.Counterpart);
        Assert.Equal(
            [At(2, 10, 14), At(2, 10, 31), At(2, 10, 35), At(9, 19, 2), At(9, 19, 3), At(16, 19, 45)],
            messages.Select(message => message.LocalTime));
        Assert.All(messages, message => Assert.Equal(DateTimeKind.Unspecified, message.LocalTime.Kind));
        Assert.All(messages, message => Assert.Equal("+5511987654321", message.Sender.Phone));
        Assert.Equal("Para sábado, por favor.\nPode ser com cobertura dupla?\nE com vela de aniversário 🎂", messages[1].Body);
        Assert.Equal(
            [ChatMessageKind.Text, ChatMessageKind.Text, ChatMessageKind.Media, ChatMessageKind.Text, ChatMessageKind.Text, ChatMessageKind.Deleted],
            messages.Select(message => message.Kind));
        Assert.Equal(["+5511912345678"], messages.SelectMany(message => message.MentionedPhones));
        Assert.Equal(["+5511912345678"], messages[4].MentionedPhones);

        static DateTime At(int day, int hour, int minute) => new(2026, 11, day, hour, minute, 0);
    }

    [Fact]
    public void AndroidPortuguese_WithSavedContact_NamesTheContactForTheCallerToMatch()
    {
        const string file = "Conversa do WhatsApp com Maria Souza.txt";
        var export = Parser.Parse(SharedChatSamples.Open(file), file);
        var messages = export.Messages.ToList();

        Assert.Equal(ChatKind.Direct, export.Kind);
        Assert.Equal(new ChatCounterpart(null, "Maria Souza"), export.Counterpart);
        Assert.Equal("maria souza", ChatNames.Fold(export.Counterpart!.Name));
        Assert.Equal(
            [new DateTime(2026, 10, 5, 8, 1, 0), new DateTime(2026, 10, 12, 8, 22, 0), new DateTime(2026, 10, 19, 8, 5, 0)],
            messages.Select(message => message.LocalTime));
        Assert.All(messages, message => Assert.Equal(8, message.LocalTime.Hour));
        Assert.All(messages, message => Assert.Equal(new ChatSender("Maria Souza", null), message.Sender));
        Assert.Empty(messages.SelectMany(message => message.MentionedPhones));
    }

    [Fact]
    public void AndroidEnglish_WithAmbiguousDates_ReadsMonthFirst_From12HourClockAndLanguage()
    {
        const string file = "WhatsApp Chat with +55 21 99876-5432.txt";
        var export = Parser.Parse(SharedChatSamples.Open(file), file);
        var messages = export.Messages.ToList();

        Assert.Equal(ChatDateOrder.MonthDayYear, export.DateOrder);
        Assert.Equal(new ChatCounterpart("+5521998765432", null), export.Counterpart);
        Assert.Equal(
            [new DateTime(2026, 11, 3, 21, 12, 0), new DateTime(2026, 11, 4, 0, 5, 0), new DateTime(2026, 11, 4, 0, 6, 0), new DateTime(2026, 11, 10, 21, 48, 0)],
            messages.Select(message => message.LocalTime));
        Assert.Equal([ChatMessageKind.Text, ChatMessageKind.Media, ChatMessageKind.Text, ChatMessageKind.Deleted], messages.Select(message => message.Kind));
        Assert.Equal("That's the one I want\nwith extra strawberries", messages[2].Body);
    }

    [Fact]
    public void IPhoneZip_TreatsTheNoticeUnderTheCounterpartsNameAsASystemLine()
    {
        const string file = "Conversa do WhatsApp - +55 48 99654-3210.zip";
        var export = Parser.Parse(SharedChatSamples.Open(file), file);
        var messages = export.Messages.ToList();

        Assert.Equal(ChatLayout.IPhone, export.Layout);
        Assert.Equal(ChatDateOrder.DayMonthYear, export.DateOrder);
        Assert.Equal(new ChatCounterpart("+5548996543210", null), export.Counterpart);
        Assert.Equal(
            [new DateTime(2026, 11, 7, 13, 5, 40), new DateTime(2026, 11, 7, 13, 9, 15), new DateTime(2026, 11, 7, 13, 9, 31), new DateTime(2026, 11, 14, 13, 12, 0)],
            messages.Select(message => message.LocalTime));
        Assert.Equal("Inteira\nPode separar pra mim?", messages[1].Body);
        Assert.Equal(ChatMessageKind.Media, messages[2].Kind);
        Assert.Equal("imagem ocultada", messages[2].Body);
        Assert.DoesNotContain(messages, message => message.Body.Contains("criptografia", StringComparison.Ordinal));
    }

    [Fact]
    public void Group_HasNoCounterpart_AndOnlyMembersWhoWroteYieldInteractions()
    {
        const string file = "Conversa do WhatsApp com Encomendas Natal 2026.txt";
        var export = Parser.Parse(SharedChatSamples.Open(file), file);
        var messages = export.Messages.ToList();

        Assert.Equal(ChatKind.Group, export.Kind);
        Assert.Null(export.Counterpart);
        Assert.Equal("Encomendas Natal 2026", export.Title);
        Assert.Equal(["+5511977771111", "+5531955553333"], messages.Select(message => message.Sender.Phone));
        Assert.Equal([new DateTime(2026, 11, 20, 15, 2, 0), new DateTime(2026, 11, 20, 15, 5, 0)], messages.Select(message => message.LocalTime));
        Assert.DoesNotContain(messages, message => message.Sender.Phone == "+5511966662222" || message.MentionedPhones.Contains("+5511966662222"));
    }

    [Fact]
    public void NotAChat_FailsWithAReasonInPortuguese()
    {
        const string file = "not-a-chat.txt";
        var failure = Assert.Throws<ChatExportException>(() => Parser.Parse(SharedChatSamples.Open(file), file));

        Assert.Equal(ChatExportFailure.NotAChat, failure.Failure);
        Assert.Contains("não é uma conversa exportada do WhatsApp", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EverySample_ParsedTwice_GivesTheSameKeys_AndNoKeyTwice()
    {
        var samples = SharedChatSamples.FileNames.Where(name => name != "not-a-chat.txt").ToList();
        Assert.Equal(5, samples.Count);
        foreach (var file in samples)
        {
            var first = Parser.Parse(SharedChatSamples.Open(file), file).Messages.Select(message => message.NaturalKey).ToList();
            var second = Parser.Parse(SharedChatSamples.Open(file), file).Messages.Select(message => message.NaturalKey).ToList();

            Assert.Equal(first, second);
            Assert.Equal(first.Count, first.Distinct().Count());
            Assert.All(first, key => Assert.Matches("^[0-9a-f]{32}$", key));
        }
    }
}
