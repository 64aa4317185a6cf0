using CsCheck;
using Vinculo.Planning;
using Xunit;

namespace Vinculo.Core.Tests.Planning;

public sealed class MessageRendererTests
{
    private const string Footer = "\n" + MessageRenderer.DefaultOptOutFooter;
    private static readonly MessageRenderer Renderer = new();

    private static string Rendered(string body, string? name, string? product = "Café Especial")
    {
        var result = Renderer.Render(body, name, product);
        Assert.True(result.IsRendered, result.Problem);
        return result.Text!;
    }

    [Theory]
    [InlineData("Maria da Silva", "Maria")]
    [InlineData("  joão  ", "João")]
    [InlineData("MARIA", "Maria")]
    [InlineData("JOÃO PEDRO", "João")]
    [InlineData("ana-maria souza", "Ana-Maria")]
    [InlineData("McArthur", "McArthur")]
    [InlineData("Dra. Ana Souza", "Ana")]
    [InlineData("dona Maria", "Maria")]
    [InlineData("Sr João", "João")]
    [InlineData("~Maria 🌸", "Maria")]
    [InlineData("🌸 Maria", "Maria")]
    [InlineData("*Carla*", "Carla")]
    [InlineData("\"Zé\" Carlos", "Zé")]
    [InlineData("Maria,", "Maria")]
    [InlineData("{product}", "{product}")]
    [InlineData("{product} Silva", "{product}")]
    [InlineData("Maria2", "Maria2")]
    [InlineData("+55 11 98765-4321 Bia", "Bia")]
    [InlineData("+55 11 98765-4321", null)]
    [InlineData("🌸🌸", null)]
    [InlineData("Dona", null)]
    [InlineData("   ", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void FirstName_IsTheFirstRealWord_SensiblyCapitalised(string? name, string? expected) =>
        Assert.Equal(expected, MessageRenderer.FirstName(name));

    [Fact]
    public void Render_FillsInNameAndProduct() =>
        Assert.Equal("Olá Maria, chegou Café Especial!" + Footer, Rendered("Olá {first_name}, chegou {product}!", "Maria da Silva"));

    [Fact]
    public void Render_PutsValuesInLiterally_InOnePass()
    {
        Assert.Equal("Olá {product}, chegou Café {first_name}!" + Footer, Rendered("Olá {first_name}, chegou {product}!", "{product} Silva", "Café {first_name}"));
        Assert.Equal("Oi Maria {xyz}" + Footer, Rendered("Oi {first_name} {product}", "Maria", "{xyz}"));
    }

    [Theory]
    [InlineData("Olá {first_name}, tudo bem?", "Olá, tudo bem?")]
    [InlineData("Olá, {first_name}, tudo bem?", "Olá, tudo bem?")]
    [InlineData("Oi, {first_name}! Chegou novidade.", "Oi! Chegou novidade.")]
    [InlineData("Oi {first_name}!", "Oi!")]
    [InlineData("Obrigado, {first_name}.", "Obrigado.")]
    [InlineData("Oi, {first_name}", "Oi")]
    [InlineData("{first_name}, temos novidades!", "Temos novidades!")]
    [InlineData("{first_name}! Tudo bem?", "Tudo bem?")]
    [InlineData("Bom dia!\n{first_name}, veja isto.", "Bom dia!\nVeja isto.")]
    [InlineData("E você, {first_name}, já provou?", "E você, já provou?")]
    [InlineData("Olá  {first_name} , tudo bem?", "Olá, tudo bem?")]
    [InlineData("Um abraço para {first_name} e família", "Um abraço para e família")]
    public void Render_WithoutAName_DropsThePlaceholderGracefully(string body, string expected)
    {
        Assert.Equal(expected + Footer, Rendered(body, null));
        Assert.Equal(expected + Footer, Rendered(body, "+55 11 98765-4321"));
    }

    [Fact]
    public void Render_WithoutAName_LeavesNoEmptyGreeting() =>
        Gen.Select(Gen.OneOf("Olá", "Oi", "Bom dia", "Olá,", "Oi,"), Gen.OneOf(",", "!", ".", "?", ""), Gen.OneOf(" tudo bem?", " Veja!", "", "\nNovidade"))
            .Sample((greeting, punctuation, rest) =>
            {
                var text = Rendered($"{greeting} {{first_name}}{punctuation}{rest}", null);
                Assert.DoesNotContain(" ,", text, StringComparison.Ordinal);
                Assert.DoesNotContain(",,", text, StringComparison.Ordinal);
                Assert.DoesNotContain(",!", text, StringComparison.Ordinal);
                Assert.DoesNotContain(" !", text, StringComparison.Ordinal);
                Assert.DoesNotContain("{", text, StringComparison.Ordinal);
            });

    [Fact]
    public void Render_BodyOfOnlyTheName_WithoutAName_IsNotSent()
    {
        var result = Renderer.Render("{first_name}", null, null);
        Assert.Equal(RenderFailure.EmptyBody, result.Failure);
        Assert.Null(result.Text);
    }

    [Theory]
    [InlineData("Olá {nome}!", "{nome}")]
    [InlineData("Olá {{1}}!", "{1}")]
    [InlineData("Cupom {BLACK10} válido", "{BLACK10}")]
    [InlineData("Oi {first_name}, {produto}", "{produto}")]
    public void UnknownPlaceholder_FailsTheContent(string body, string placeholder)
    {
        var problem = MessageRenderer.Check(body);
        Assert.NotNull(problem);
        Assert.Contains(placeholder, problem, StringComparison.Ordinal);

        var result = Renderer.Render(body, "Maria", "Café");
        Assert.Equal(RenderFailure.UnknownPlaceholder, result.Failure);
        Assert.False(result.IsRendered);
        Assert.Null(result.Text);
        Assert.Empty(result.TemplateParameters);
        Assert.Equal(problem, result.Problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData(null)]
    public void EmptyBody_FailsTheContent(string? body)
    {
        Assert.Equal("o texto do conteúdo está vazio.", MessageRenderer.Check(body));
        Assert.Equal(RenderFailure.EmptyBody, Renderer.Render(body, "Maria", "Café").Failure);
    }

    [Theory]
    [InlineData("Sorria :-{ }", "Sorria :-{ }")]
    [InlineData("Preço {R$ 10}", "Preço {R$ 10}")]
    [InlineData("Use { FIRST_NAME } e {Product}", "Use Maria e Café")]
    [InlineData("Chaves { soltas aqui } ficam", "Chaves { soltas aqui } ficam")]
    [InlineData("Fim sem fechar {first_name", "Fim sem fechar {first_name")]
    public void BracesAroundAnythingButAWord_AreText(string body, string expected)
    {
        Assert.Null(MessageRenderer.Check(body));
        Assert.Equal(expected + Footer, Rendered(body, "Maria", "Café"));
    }

    [Fact]
    public void MissingProduct_FailsForThatPerson()
    {
        var result = Renderer.Render("Gostou do {product}?", "Maria", "  ");
        Assert.Equal(RenderFailure.MissingProduct, result.Failure);
        Assert.Contains("{product}", result.Problem, StringComparison.Ordinal);
        Assert.True(Renderer.Render("Oi {first_name}!", "Maria", null).IsRendered, "a body without {product} needs none");
    }

    [Fact]
    public void TemplateParameters_FollowThePlaceholdersInOrder()
    {
        var result = Renderer.Render("Oi {first_name}! O {product} voltou, {first_name}.", "maria", "Café");
        Assert.Equal(["Maria", "Café", "Maria"], result.TemplateParameters);
        Assert.Equal([MessageRenderer.TemplateNameFallback, "Café"], Renderer.Render("Oi {first_name}! {product}", null, "Café").TemplateParameters);
        Assert.Empty(Renderer.Render("Sem marcadores.", null, null).TemplateParameters);
    }

    [Theory]
    [InlineData("Promoção! Para sair da lista, responda SAIR.")]
    [InlineData("Não quer mais? Digite \"parar\".")]
    [InlineData("Envie PARE para não receber.")]
    [InlineData("Para se descadastrar, basta responder com a palavra sair")]
    [InlineData("Responda STOP para cancelar")]
    [InlineData("mande “Sair”")]
    public void Footer_IsNotAddedTwice(string body)
    {
        Assert.True(MessageRenderer.HasOptOutInstruction(body));
        Assert.Equal(body, Rendered(body, "Maria"));
    }

    [Theory]
    [InlineData("Vamos sair para almoçar?")]
    [InlineData("Responda esta mensagem e ganhe um brinde; quem quiser pode sair mais cedo")]
    [InlineData("Parar nunca!")]
    public void Footer_IsAdded_WhenTheBodyOnlyMentionsAStopWord(string body)
    {
        Assert.False(MessageRenderer.HasOptOutInstruction(body));
        Assert.Equal(body + Footer, Rendered(body, "Maria"));
    }

    [Fact]
    public void Footer_IsAdded_WhenTheInstructionComesFromDataOrIsGluedToIt()
    {
        Assert.Equal("Chegou Responda SAIR!" + Footer, Rendered("Chegou {product}!", "Maria", "Responda SAIR"));
        Assert.Equal("Responda SAIRCafé" + Footer, Rendered("Responda SAIR{product}", "Maria", "Café"));
    }

    [Fact]
    public void Footer_GoesOnItsOwnLine_AfterTrailingSpaceIsTrimmed() =>
        Assert.Equal("Oi Maria!\n" + MessageRenderer.DefaultOptOutFooter, Rendered("  Oi {first_name}!  \n\n ", "Maria"));

    [Fact]
    public void Footer_IsConfigurable_AndMustSayHowToStop()
    {
        var custom = new MessageRenderer("Não quer mais? Envie PARAR.");
        Assert.Equal("Oi!\nNão quer mais? Envie PARAR.", custom.Render("Oi!", null, null).Text);

        Assert.Empty(MessageRenderer.ValidateFooter(null));
        Assert.Empty(MessageRenderer.ValidateFooter(MessageRenderer.DefaultOptOutFooter));
        Assert.StartsWith("não pode ser vazio", Assert.Single(MessageRenderer.ValidateFooter(" ")), StringComparison.Ordinal);
        var error = Assert.Single(MessageRenderer.ValidateFooter("Obrigado!"));
        Assert.StartsWith("'Obrigado!'", error, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new MessageRenderer("Obrigado!"));
    }

    [Fact]
    public void TooLongAMessage_FailsRatherThanBeCut()
    {
        var result = Renderer.Render(new string('a', MessageRenderer.MaxLength), "Maria", null);
        Assert.Equal(RenderFailure.TooLong, result.Failure);
        Assert.Contains("4096", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NeverThrows_AndNeverLeavesAKnownPlaceholder() =>
        Gen.Select(
                Gen.OneOf("Olá ", "{first_name}", "{product}", "{", "}", ", ", "!", "\n", " ", "responda SAIR", "{x}", "{ product }", "á", "😀"),
                Gen.OneOf<string?>(null, "", "Maria", "{product}", "ANA-LU", "🌸", "{first_name} x"),
                Gen.OneOf<string?>(null, "Café", "{first_name}", " "))
            .Array[0, 12]
            .Sample(pieces =>
            {
                var body = string.Concat(pieces.Select(p => p.Item1));
                var name = pieces.Length > 0 ? pieces[0].Item2 : null;
                var product = pieces.Length > 0 ? pieces[0].Item3 : null;
                var result = Renderer.Render(body, name, product);
                if (!result.IsRendered)
                {
                    Assert.NotNull(result.Problem);
                    Assert.Null(result.Text);
                    return;
                }

                var withoutValues = result.Text!;
                foreach (var value in new[] { MessageRenderer.FirstName(name), product?.Trim() }.Where(v => !string.IsNullOrEmpty(v)))
                {
                    withoutValues = withoutValues.Replace(value!, string.Empty, StringComparison.Ordinal);
                }

                Assert.DoesNotContain("{first_name}", withoutValues, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("{product}", withoutValues, StringComparison.OrdinalIgnoreCase);
                Assert.True(MessageRenderer.HasOptOutInstruction(result.Text));
            }, iter: 10_000);
}
