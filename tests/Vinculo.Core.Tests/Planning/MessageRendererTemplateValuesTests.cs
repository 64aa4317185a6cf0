using CsCheck;
using Vinculo.Planning;
using Xunit;

namespace Vinculo.Core.Tests.Planning;

public sealed class MessageRendererTemplateValuesTests
{
    private const string FirstName = "first_name";
    private const string Product = "product";

    private static readonly MessageRenderer Renderer = new();

    /// <summary>Names as contacts store them, with what the greeting reads.</summary>
    private static readonly string?[] Names =
    [
        "Dra. Ana Souza", "MARIA", "joão", "ana-maria souza", "McArthur", "~Maria 🌸", "\"Zé\" Carlos", "{product} Silva",
        "Sr João", "Dona", "🌸🌸", "+55 11 98765-4321", "   ", "", null,
    ];

    private static readonly string?[] Products = ["Café Especial", "  Vestido azul  ", "{first_name}", "X", "Perfume 50 ml", null, "", "  "];

    /// <summary>Pieces of bodies: the placeholders as people write them, and text around them (braces that are not placeholders among it).</summary>
    private static readonly (string Text, string? Placeholder)[] BodyPieces =
    [
        ("{first_name}", FirstName), ("{FIRST_NAME}", FirstName), ("{ First_Name }", FirstName),
        ("{product}", Product), ("{ PRODUCT}", Product), ("{Product }", Product),
        ("Olá ", null), ("Oi, ", null), ("chegou ", null), (" novidade", null), ("!", null), (", ", null), ("\n", null),
        ("tudo bem? ", null), ("{ }", null), ("{:-)}", null), ("responda SAIR para sair. ", null),
    ];

    private static KeyValuePair<string, string> Value(string key, string value) => new(key, value);

    private static IReadOnlyList<KeyValuePair<string, string>> Values(string? body, string? name, string? product)
    {
        var values = MessageRenderer.TemplateValues(body, name, product);
        Assert.NotNull(values);
        return values;
    }

    [Fact]
    public void TemplateValues_NamesEachPlaceholder_InOrderOfFirstAppearance()
    {
        Assert.Equal(
            [Value(FirstName, "Maria"), Value(Product, "Café Especial")],
            Values("Olá {first_name}, chegou {product}!", "Maria da Silva", "Café Especial"));
        Assert.Equal(
            [Value(Product, "Café Especial"), Value(FirstName, "Maria")],
            Values("Chegou {product} para você, {first_name}!", "Maria da Silva", "Café Especial"));
    }

    [Fact]
    public void TemplateValues_GivesEachPlaceholderOnce()
    {
        var values = Values("{first_name}, {product}! {first_name}, o {product} acabou, {FIRST_NAME}.", "ana", "Café");
        Assert.Equal([Value(FirstName, "Ana"), Value(Product, "Café")], values);
    }

    [Theory]
    [InlineData("Olá {FIRST_NAME}, chegou {Product}!")]
    [InlineData("Olá { first_name }, chegou {  product}!")]
    [InlineData("Olá {First_Name   }, chegou { PRODUCT }!")]
    public void TemplateValues_ReadsPlaceholdersAsTheRendererDoes_CaseIgnoredAndSpacesAllowed(string body) =>
        Assert.Equal([Value(FirstName, "Maria"), Value(Product, "Café")], Values(body, "MARIA", "Café"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Dona")]
    [InlineData("🌸🌸")]
    [InlineData("+55 11 98765-4321")]
    public void TemplateValues_FallsBackToCliente_WhenTheNameGivesNoFirstName(string? name)
    {
        Assert.Equal("cliente", MessageRenderer.TemplateNameFallback);
        Assert.Equal([Value(FirstName, "cliente")], Values("Olá {first_name}, tudo bem?", name, null));
    }

    [Theory]
    [InlineData("Dra. Ana Souza", "Ana")]
    [InlineData("MARIA", "Maria")]
    [InlineData("joão", "João")]
    [InlineData("ana-maria souza", "Ana-Maria")]
    [InlineData("McArthur", "McArthur")]
    [InlineData("~Maria 🌸", "Maria")]
    [InlineData("{product} Silva", "{product}")]
    public void TemplateValues_UsesTheFirstNameTheGreetingUses(string name, string firstName)
    {
        Assert.Equal([Value(FirstName, firstName)], Values("Olá {first_name}, tudo bem?", name, "Café"));
        Assert.StartsWith($"Olá {firstName}, tudo bem?", Renderer.Render("Olá {first_name}, tudo bem?", name, "Café").Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Café Especial", "Café Especial")]
    [InlineData("  Café Especial \t", "Café Especial")]
    [InlineData("{first_name}", "{first_name}")]
    public void TemplateValues_GivesTheProductTrimmed_AndLiterally(string product, string expected) =>
        Assert.Equal([Value(Product, expected)], Values("Chegou {product}!", "Maria", product));

    [Fact]
    public void TemplateValues_NeedsNoProduct_WhenTheBodyDoesNotUseIt() =>
        Assert.Equal([Value(FirstName, "Maria")], Values("Olá {first_name}!", "Maria", null));

    [Fact]
    public void TemplateValues_NeedsNoName_WhenTheBodyDoesNotUseIt() =>
        Assert.Equal([Value(Product, "Café")], Values("Chegou {product}!", null, "Café"));

    [Fact]
    public void TemplateValues_IsEmpty_ForABodyWithoutPlaceholders()
    {
        Assert.Empty(Values("Promoção de fim de ano!", "Maria", "Café"));
        Assert.Empty(Values("Sorria { } e aproveite {:-)}", "Maria", null));
    }

    [Fact]
    public void TemplateValues_IgnoresBracesThatAreNotPlaceholders() =>
        Assert.Equal([Value(FirstName, "Maria")], Values("Oi { } {:-)} {first_name}", "Maria", null));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t")]
    public void TemplateValues_IsNull_ForAnEmptyBody(string? body) =>
        Assert.Null(MessageRenderer.TemplateValues(body, "Maria", "Café"));

    [Theory]
    [InlineData("Olá {nome}!")]
    [InlineData("Olá {first_name}, {{1}}")]
    [InlineData("Olá { primeiro_nome }")]
    [InlineData("Chegou {product} {produto}")]
    public void TemplateValues_IsNull_ForAnUnknownPlaceholder(string body) =>
        Assert.Null(MessageRenderer.TemplateValues(body, "Maria", "Café"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void TemplateValues_IsNull_WhenTheBodyUsesProductAndThePersonHasNone(string? product)
    {
        Assert.Null(MessageRenderer.TemplateValues("Olá {first_name}, chegou {product}!", "Maria", product));
        Assert.Null(MessageRenderer.TemplateValues("Chegou {product}, {first_name}!", "Maria", product));
    }

    [Fact]
    public void TemplateValues_AreTheValuesRenderPutsIntoTheText()
    {
        foreach (var name in Names)
        {
            foreach (var product in Products.Where(p => !string.IsNullOrWhiteSpace(p)))
            {
                var body = "Olá {first_name}, chegou {product}! Responda SAIR para sair.";
                var values = Values(body, name, product);
                var rendered = Renderer.Render(body, name, product);
                Assert.True(rendered.IsRendered, rendered.Problem);
                Assert.Equal(values.Select(v => v.Value), rendered.TemplateParameters);
                Assert.Contains(values[1].Value, rendered.Text, StringComparison.Ordinal);
                if (MessageRenderer.FirstName(name) is { } firstName)
                {
                    Assert.Equal(firstName, values[0].Value);
                    Assert.StartsWith($"Olá {firstName}, chegou {values[1].Value}!", rendered.Text, StringComparison.Ordinal);
                }
                else
                {
                    Assert.Equal(MessageRenderer.TemplateNameFallback, values[0].Value);
                    Assert.StartsWith($"Olá, chegou {values[1].Value}!", rendered.Text, StringComparison.Ordinal);
                }
            }
        }
    }

    /// <summary>
    /// On any body built from placeholders and text: the values are the placeholders' kinds in order of first appearance,
    /// and every occurrence Render fills in carries its kind's value; both refuse the same bodies.
    /// </summary>
    [Fact]
    public void TemplateValues_AgreeWithRender_OnAnyBody()
    {
        var compared = 0;
        Gen.Select(Gen.OneOf(BodyPieces).Array[1, 8], Gen.OneOf(Names), Gen.OneOf(Products))
            .Sample((pieces, name, product) =>
            {
                var body = string.Concat(pieces.Select(piece => piece.Text));
                var occurrences = pieces.Where(piece => piece.Placeholder is not null).Select(piece => piece.Placeholder!).ToList();
                var values = MessageRenderer.TemplateValues(body, name, product);
                var rendered = Renderer.Render(body, name, product);

                if (string.IsNullOrWhiteSpace(body))
                {
                    Assert.Null(values);
                    Assert.Equal(RenderFailure.EmptyBody, rendered.Failure);
                    return;
                }

                if (occurrences.Contains(Product) && string.IsNullOrWhiteSpace(product))
                {
                    Assert.Null(values);
                    Assert.Equal(RenderFailure.MissingProduct, rendered.Failure);
                    return;
                }

                Assert.NotNull(values);
                Assert.Equal(occurrences.Distinct(), values.Select(v => v.Key));
                var byKey = values.ToDictionary(v => v.Key, v => v.Value);
                if (byKey.TryGetValue(FirstName, out var firstName))
                {
                    Assert.Equal(MessageRenderer.FirstName(name) ?? MessageRenderer.TemplateNameFallback, firstName);
                }

                if (byKey.TryGetValue(Product, out var productValue))
                {
                    Assert.Equal(product!.Trim(), productValue);
                    Assert.Contains(productValue, rendered.Text ?? string.Empty, StringComparison.Ordinal);
                }

                if (rendered.IsRendered)
                {
                    Interlocked.Increment(ref compared);
                    Assert.Equal(occurrences.Select(kind => byKey[kind]), rendered.TemplateParameters);
                }
            }, iter: 10_000);

        Assert.True(compared > 1_000, $"only {compared} bodies rendered");
    }
}
