using Vinculo.Import;
using Xunit;

namespace Vinculo.Core.Tests.Import;

public sealed class CsvHeadersTests
{
    [Theory]
    [InlineData("Telefone Celular", "telefone_celular")]
    [InlineData(" TELEFONE-celular ", "telefone_celular")]
    [InlineData("\uFEFF\"Número\"", "numero")]
    [InlineData("Data do Consentimento", "data_do_consentimento")]
    public void Fold_ReadsHeadersAsPeopleWriteThem(string header, string folded) =>
        Assert.Equal(folded, CsvHeaders.Fold(header));

    [Fact]
    public void Map_FindsEachColumnByItsAliases_InEnglishOrPortuguese_FirstOneWins()
    {
        var columns = CsvHeaders.Map(["Código", "Nome Completo", "Celular", "WhatsApp", "Aceite", "Origem do consentimento", "Observação"]);

        Assert.Equal(0, columns[CsvHeaders.ExternalRef]);
        Assert.Equal(1, columns[CsvHeaders.Name]);
        Assert.Equal(2, columns[CsvHeaders.Phone]);
        Assert.Equal(4, columns[CsvHeaders.Consent]);
        Assert.Equal(5, columns[CsvHeaders.ConsentSource]);
        Assert.False(columns.ContainsKey(CsvHeaders.ConsentAt));
        Assert.Equal(5, columns.Count);
    }

    [Fact]
    public void GooglePhones_PairsValueAndTypeColumns_AndListsMobilesFirst()
    {
        string[] headers = ["Name", "Phone 1 - Type", "Phone 1 - Value", "Telefone 2 - Valor", "Phone 2 - Type", "Phone 3 - Value"];
        string?[] row = ["Ana", "Home", "11 3333-4444 ::: 11 3333-5555", "11 98888-7777", "Mobile", "11 97777-6666"];

        var columns = CsvHeaders.GooglePhones(headers);
        var numbers = GooglePhoneColumn.Numbers(columns, i => i < 0 ? null : row[i]);

        Assert.Equal([new GooglePhoneColumn(2, 1), new GooglePhoneColumn(3, 4), new GooglePhoneColumn(5, -1)], columns);
        Assert.Equal(["11 98888-7777", "11 3333-4444", "11 3333-5555", "11 97777-6666"], numbers);
    }
}
