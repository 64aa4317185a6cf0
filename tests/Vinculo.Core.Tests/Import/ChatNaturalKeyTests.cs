using Vinculo.Import;
using Vinculo.Phones;
using Xunit;

namespace Vinculo.Core.Tests.Import;

/// <summary>The natural key makes a second import of a message a no-op, and only of that message.</summary>
public sealed class ChatNaturalKeyTests
{
    private const string File = "Conversa do WhatsApp com +55 11 98765-4321.txt";

    private static readonly ChatExportParser Parser = new(new PhoneClassifier(new PhoneOptions()));

    [Fact]
    public void Key_RepeatsInTheSameMinute_AreDifferentMessages()
    {
        var keys = Keys(
            """
            02/11/2026 10:31 - +55 11 98765-4321: ok
            02/11/2026 10:31 - Doceria Bela: certo?
            02/11/2026 10:31 - +55 11 98765-4321: ok
            02/11/2026 10:31 - +55 11 98765-4321: sim
            02/11/2026 10:31 - +55 11 98765-4321: ok
            02/11/2026 10:32 - +55 11 98765-4321: ok
            """, File);

        Assert.Equal(5, keys.Distinct().Count());
    }

    [Fact]
    public void Key_IsTheSame_WithOrWithoutMediaInTheExport()
    {
        var without = Keys("02/11/2026 10:31 - +55 11 98765-4321: <Mídia oculta>\n", File);
        var with = Keys("02/11/2026 10:31 - +55 11 98765-4321: IMG-20261102-WA0001.jpg (arquivo anexado)\n", File);

        Assert.Equal(without, with);
    }

    [Fact]
    public void Key_IgnoresDirectionMarksLineEndingsAndTheEditedMarker()
    {
        var plain = Keys("02/11/2026 10:31 - +55 11 98765-4321: Para sábado\nCom vela\n", File);

        Assert.Equal(plain, Keys("\uFEFF02/11/2026 10:31 - \u202A+55 11 98765-4321\u202C: \u200EPara sábado\r\nCom vela\r\n", File));
        Assert.Equal(plain, Keys("02/11/2026 10:31 - +55 11 98765-4321: Para sábado\nCom vela <Mensagem editada>\n", File));
    }

    [Fact]
    public void Key_DependsOnWhoWhenAndWhat()
    {
        var key = Keys("02/11/2026 10:31 - +55 11 98765-4321: Oi\n", File).Single();

        Assert.NotEqual(key, Keys("02/11/2026 10:32 - +55 11 98765-4321: Oi\n", File).Single());
        Assert.NotEqual(key, Keys("02/11/2026 10:31 - +55 11 98765-4321: Oi!\n", File).Single());
        Assert.NotEqual(key, Keys("02/11/2026 10:31 - +55 11 91234-5678: Oi\n", "Conversa do WhatsApp com +55 11 91234-5678.txt").Single());
    }

    [Fact]
    public void Key_IdentifiesThePerson_NotTheChat()
    {
        var direct = Keys("20/11/2026 15:02 - +55 11 97777-1111: Oi\n", "Conversa do WhatsApp com +55 11 97777-1111.txt");
        var group = Keys("20/11/2026 15:00 - Você criou o grupo \"Natal\"\n20/11/2026 15:02 - +55 11 97777-1111: Oi\n", "Conversa do WhatsApp com Natal.txt");

        Assert.Equal(direct, group);
    }

    private static List<string> Keys(string text, string fileName) =>
        [.. Parser.Parse(() => new StringReader(text), fileName).Messages.Select(message => message.NaturalKey)];
}
