using System.Text;
using Vinculo.Import;
using Xunit;

namespace Vinculo.Core.Tests.Import;

public sealed class VCardReaderTests
{
    [Fact]
    public void Android21_ReadsQuotedPrintableNamesWithSoftBreaks_AndPutsMobilesFirst()
    {
        var cards = Cards(VCardSamples.Android21);

        Assert.Equal(2, cards.Count);
        Assert.Equal("João Conceição da Silva Araújo Sobrinho Neto", cards[0].Name);
        Assert.Equal(["+55 11 98765-4321", "11 91234-5678", "(11) 3333-4444"], cards[0].Phones.Select(p => p.Number));
        Assert.Equal([true, true, false], cards[0].Phones.Select(p => p.Mobile));
        Assert.Equal(1, cards[0].Line);
        Assert.Equal("Padaria", cards[1].Name);
        Assert.Equal(10, cards[1].Line);
    }

    [Fact]
    public void IPhone30_ReadsGroupedAndFoldedLines_Escapes_AndSkipsThePhoto()
    {
        var card = Assert.Single(Cards(VCardSamples.IPhone30));

        Assert.Equal("Maria Souza, Doceria", card.Name);
        Assert.Equal(["+55 48 99654-3210", "+55 (21) 99876-5432"], card.Phones.Select(p => p.Number));
    }

    [Fact]
    public void Version40_ReadsTelUris()
    {
        var card = Assert.Single(Cards(VCardSamples.Version40));

        Assert.Equal("Ana Lima", card.Name);
        Assert.Equal([new VCardPhone("+55-31-99123-4567", true)], card.Phones);
    }

    [Fact]
    public void QuotedPrintable_InWindows1252_IsDecodedInTheCharsetItNames()
    {
        var text = "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Jos=E9 Ara=FAjo\nTEL;CELL:11987654321\nEND:VCARD\n";

        Assert.Equal("José Araújo", Assert.Single(Cards(text)).Name);
    }

    [Fact]
    public void StructuredName_IsUsed_WhenThereIsNoFormattedName()
    {
        var text = "BEGIN:VCARD\nVERSION:3.0\nN:Souza;Maria;Aparecida;Dra.;\nTEL:11987654321\nEND:VCARD\n";

        Assert.Equal("Dra. Maria Aparecida Souza", Assert.Single(Cards(text)).Name);
    }

    [Fact]
    public void BadCards_AreReportedByTheirLine_AndTheOthersAreRead()
    {
        var text =
            "BEGIN:VCARD\nVERSION:3.0\nFN:Sem Telefone\nEMAIL:a@b.c\nEND:VCARD\n" +
            "BEGIN:VCARD\nVERSION:3.0\nFN:Quebrado\nTEL;CELL\nEND:VCARD\n" +
            "BEGIN:VCARD\nVERSION:3.0\nFN:Sem Fim\nTEL:11987654321\n" +
            "BEGIN:VCARD\nVERSION:3.0\nFN:Bom\nTEL:11912345678\nEND:VCARD\n" +
            "BEGIN:VCARD\nFN:Cortado\nTEL:11955554444\n";

        var read = VCardReader.Read(new StringReader(text)).ToList();

        Assert.Equal([1L, 6L, 11L, 20L], read.Where(r => r.Problem is not null).Select(r => r.Problem!.Line));
        Assert.Equal("Bom", Assert.Single(read, r => r.Card is not null).Card!.Name);
        Assert.All(read.Where(r => r.Problem is not null), r => Assert.DoesNotContain("1198", r.Problem!.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void LooksLikeVCard_OnlyForFilesThatOpenWithBeginVCard()
    {
        Assert.True(VCardReader.LooksLikeVCard(new StringReader("\uFEFF\r\nBEGIN:VCARD\r\n")));
        Assert.False(VCardReader.LooksLikeVCard(new StringReader("name,phone\n")));
        Assert.False(VCardReader.LooksLikeVCard(new StringReader("")));
    }

    private static List<VCard> Cards(string text)
    {
        var read = VCardReader.Read(new StringReader(text)).ToList();
        Assert.All(read, r => Assert.Null(r.Problem));
        return [.. read.Select(r => r.Card!)];
    }
}
