using Vinculo.Consent;
using Xunit;

namespace Vinculo.Core.Tests.Consent;

public sealed class InboundIntentClassifierTests
{
    private const InboundIntentKind Out = InboundIntentKind.OptOut;
    private const InboundIntentKind In = InboundIntentKind.OptIn;
    private const InboundIntentKind Chat = InboundIntentKind.Interaction;

    private static readonly InboundIntentClassifier Default = new();

    /// <summary>Replies as customers type them on WhatsApp, with what each must be.</summary>
    private static readonly (string Body, InboundIntentKind Expected)[] Replies =
    [
        // The keywords themselves, however they are decorated.
        ("Sair", Out),
        ("SAIR", Out),
        ("sair.", Out),
        ("SAIR!!!", Out),
        ("  sair  ", Out),
        ("*SAIR*", Out),
        ("Sair 🙏", Out),
        ("🚫 Sair 🚫", Out),
        ("sair sair", Out),
        ("Sair sair sair!", Out),
        ("Sáir", Out),
        ("𝐒𝐀𝐈𝐑", Out),
        ("ＳＡＩＲ", Out),
        ("S\u200Eair", Out),
        ("Sair?", Out),
        ("Sair, obrigada", Out),
        ("Boa tarde, sair", Out),
        ("Parar", Out),
        ("PARE", Out),
        ("Pare!", Out),
        ("pare por favor", Out),
        ("Pare, por favor!!", Out),
        ("Stop", Out),
        ("STOP!!", Out),
        ("stop please", Out),
        ("Cancelar", Out),
        ("cancelar.", Out),
        ("Descadastrar", Out),
        ("Descadastrar por favor", Out),
        ("Remover", Out),
        ("Não quero", Out),
        ("nao quero", Out),
        ("Não quero mais", Out),
        ("NÃO QUERO MAIS!!!", Out),
        ("não quero mais 😡", Out),
        ("Não, não quero", Out),
        ("Ñ quero", Out),
        ("n quero mais", Out),
        ("naum quero", Out),
        ("Não quero mais, obrigada", Out),
        ("Sim, sair", Out),
        ("Eu não quero mais", Out),
        ("De novo? Para", Out),
        ("Oi, tudo bem? Sair", Out),

        // Emphasis, dropped final r, slips of the finger.
        ("sairrr", Out),
        ("Sairr", Out),
        ("saiir", Out),
        ("SAIRRRR!!!", Out),
        ("Paraaa", Out),
        ("Sai", Out),
        ("sai!", Out),
        ("Sai sai", Out),
        ("Para!", Out),
        ("Para, para!", Out),
        ("pára", Out),
        ("Cancela", Out),
        ("remove", Out),
        ("Descadastra", Out),
        ("descadastar", Out),
        ("Descadastrarr", Out),
        ("cancelra", Out),

        // Short requests to stop.
        ("Quero sair da lista", Out),
        ("quero sair", Out),
        ("Quero sair dessa lista por favor", Out),
        ("Oi, boa tarde! Quero sair da lista de transmissão", Out),
        ("Gostaria de sair da lista", Out),
        ("eu quero sair dessa lista", Out),
        ("Como faço pra sair dessa lista?", Out),
        ("como faço para parar de receber essas mensagens?", Out),
        ("Pode me tirar?", Out),
        ("pode me tirar da lista", Out),
        ("Pode me tirar da lista, por favor?", Out),
        ("Me tira dessa lista", Out),
        ("me tira daqui", Out),
        ("Me tire da lista, obrigado", Out),
        ("Tira meu número da lista", Out),
        ("tira meu numero", Out),
        ("me remove", Out),
        ("Me remove da lista por favor", Out),
        ("Remove meu número", Out),
        ("Favor remover meu número", Out),
        ("Podem me excluir da lista?", Out),
        ("Me exclui dessa lista", Out),
        ("Exclua meu contato, por favor", Out),
        ("Me descadastra", Out),
        ("quero me descadastrar", Out),
        ("cancela minha inscrição", Out),
        ("Cancelar as mensagens", Out),
        ("Não me mande mais", Out),
        ("Não me mande mais mensagens", Out),
        ("nao me manda mais nada", Out),
        ("Por favor não me envie mais mensagens", Out),
        ("Nunca mais me mande mensagem", Out),
        ("Nunca me mande mensagem", Out),
        ("Preciso sair da lista", Out),
        ("Preciso que me tirem da lista", Out),
        ("Não mandem mais", Out),
        ("Não precisa mais me mandar mensagens", Out),
        ("Não quero receber", Out),
        ("Não quero mais receber mensagens", Out),
        ("nao quero receber mais", Out),
        ("Não quero mais receber essas mensagens de promoção", Out),
        ("Eu não quero mais receber mensagens de vocês", Out),
        ("N quero receber msg", Out),
        ("Não quero mais propaganda", Out),
        ("Quero não", Out),
        ("quero mais não, obrigada", Out),
        ("Para de mandar mensagem", Out),
        ("para de me mandar mensagem", Out),
        ("Parem de mandar essas propagandas!!", Out),
        ("Pare de me enviar mensagens", Out),
        ("Para com isso", Out),
        ("Para de encher o saco", Out),
        ("Chega de mensagem", Out),
        ("Chega!", Out),
        ("Chega de propaganda, por favor", Out),
        ("Pode parar", Out),
        ("podem parar de mandar", Out),
        ("vcs podem parar de mandar msg?", Out),
        ("Parem", Out),
        ("Não tenho interesse", Out),
        ("Não tenho mais interesse, obrigada", Out),
        ("Sem interesse", Out),
        ("Não me interessa", Out),
        ("Para. Não quero mais receber", Out),
        ("Pare! Não me mande mais mensagens", Out),
        ("Para de mandar mensagem, me tira da lista", Out),
        ("Apaga meus dados", Out),
        ("Quero que apaguem meus dados", Out),
        ("Não autorizei vocês a me mandarem mensagem", Out),
        ("Eu não pedi pra receber isso", Out),
        ("Gostaria de ser removida da lista de transmissão de vocês", Out),
        ("Bom dia, eu gostaria de ser removida da lista de transmissão de vocês. Obrigada!", Out),
        ("Oi, não quero mais receber mensagens de vocês, obrigada 🙏", Out),
        ("pfv me tira da lista", Out),
        ("Sai fora", Out),
        ("Unsubscribe", Out),
        ("Stop sending me messages", Out),
        ("Já pedi pra sair", Out),
        ("Já pedi pra me tirarem da lista", Out),
        ("Pela terceira vez, me tira dessa lista", Out),
        ("Eu já pedi pra vocês pararem de mandar mensagem", Out),
        ("Para de mandar mensagem!!! Já pedi isso", Out),
        ("Me deixa em paz", Out),
        ("Não enche o saco", Out),
        ("Como que eu saio dessa lista?", Out),
        ("Olá, tudo bem? Gostaria de sair da lista", Out),
        ("Quero sair, obrigada pela atenção", Out),
        ("Não obrigado, não quero mais receber", Out),
        ("Desculpa, mas não quero mais receber", Out),
        ("Obrigada, mas não tenho interesse", Out),
        ("Não tenho mais interesse nos produtos", Out),
        ("Me tira dessa porcaria", Out),
        ("Vou sair da lista", Out),
        ("Cancelar inscrição", Out),
        ("Cancelar envio de mensagens", Out),
        ("Parar notificações", Out),
        ("Quero parar de receber", Out),
        ("Prefiro não receber mais mensagens", Out),
        ("Não mandem mais mensagens pra esse número", Out),
        ("Bom dia! Por favor, podem retirar meu contato da lista de vocês? Grata", Out),

        // Longer messages that merely contain a stop word, negations, and questions that are not requests.
        ("Vou sair para almoçar, depois te respondo", Chat),
        ("vou sair agora, mais tarde passo aí", Chat),
        ("Não quero mais o vestido azul, quero o vermelho", Chat),
        ("Pode parar o carro ali?", Chat),
        ("Posso sair mais cedo amanhã?", Chat),
        ("Quero sair com a blusa nova hoje!", Chat),
        ("Oi, eu ia sair hoje pra comprar mas choveu, amanhã passo aí", Chat),
        ("Sai agora do trabalho, chego em 20 min", Chat),
        ("Saí de casa agora, já tô chegando", Chat),
        ("Saí", Chat),
        ("Já saí", Chat),
        ("Saiu meu pedido?", Chat),
        ("Não consigo sair do app", Chat),
        ("Não quero sair da lista", Chat),
        ("não quero parar de receber", Chat),
        ("Não para de mandar não, adoro as promoções", Chat),
        ("não me tira da lista", Chat),
        ("Vocês não param de mandar mensagem", Chat),
        ("Pare de brincadeira, esse preço tá ótimo demais kkk", Chat),
        ("Vocês vão parar de vender aquele perfume?", Chat),
        ("Quando vai parar de chover?", Chat),
        ("Me tira uma dúvida: vocês entregam em Niterói?", Chat),
        ("me tira uma duvida", Chat),
        ("Cancela meu pedido", Chat),
        ("Quero cancelar o pedido 1234", Chat),
        ("Cancelaram meu cartão", Chat),
        ("Como faço pra remover uma mancha de vinho?", Chat),
        ("Remover a mancha dá?", Chat),
        ("Tira o laço do presente por favor", Chat),
        ("Pode tirar o plástico?", Chat),
        ("Não me liga agora que tô no trabalho", Chat),
        ("não me manda ainda, vou ver com meu marido", Chat),
        ("Não mande o pedido ainda", Chat),
        ("Não quero mais nada, só isso mesmo. Obrigada", Chat),
        ("Não quero mais nada", Chat),
        ("Não, obrigado", Chat),
        ("Não", Chat),
        ("Desisti da compra", Chat),
        ("Descadastrei meu cartão antigo, pode usar o novo", Chat),
        ("Chega amanhã?", Chat),
        ("Chegou!", Chat),
        ("Para mim tá ótimo", Chat),
        ("Para quando fica pronto?", Chat),
        ("Pará", Chat),
        ("Sou do Pará", Chat),
        ("quero sair da lista de espera do salão", Chat),
        ("Pode mandar", Chat),
        ("Pode sair", Chat),
        ("Saí do grupo", Chat),
        ("Ja sai", Chat),
        ("ja sai da loja", Chat),
        ("Vou sair daqui a pouco", Chat),
        ("Eu sou de Belém do Pará", Chat),
        ("Sair da lista? Não, eu gosto das promoções", Chat),
        ("Não quero sair não", Chat),
        ("Quero cancelar minha compra", Chat),
        ("Cancela tudo", Chat),
        ("Retirar", Chat),
        ("Não me incomoda", Chat),
        ("Me manda mais fotos", Chat),
        ("Pode parar de mandar áudio? Prefiro texto", Chat),
        ("Pare de mandar mensagem às 6 da manhã", Chat),
        ("Sai daqui, que preço bom!", Chat),
        ("Agora não", Chat),
        ("Hoje não, obrigada", Chat),
        ("Quem te deu meu número?", Chat),
        ("Você não me manda mais nada", Chat),
        ("Nunca me manda nada", Chat),
        ("Preciso sair", Chat),
        ("Preciso sair agora, depois falo", Chat),
        ("Tem como me mandar o catálogo?", Chat),
        ("Me manda mais", Chat),
        ("Eu não autorizei isso", Chat),

        // Opt-ins: only the keywords, and not as a question.
        ("Sim", In),
        ("sim!", In),
        ("SIM", In),
        ("Sim 👍", In),
        ("Simmm", In),
        ("siiim", In),
        ("sim sim", In),
        ("Quero", In),
        ("quero!", In),
        ("Quero sim", In),
        ("sim quero", In),
        ("Aceito", In),
        ("Aceito 👍", In),
        ("aceito, obrigada", In),
        ("Voltar", In),
        ("START", In),
        ("Sim, por favor", In),
        ("Bom dia! Sim", In),
        ("Eu aceito", In),
        ("Ok, sim", In),
        ("Mas quero", Chat),
        ("Sim, mas só amanhã", Chat),
        ("Sim?", Chat),
        ("Quero?", Chat),
        ("ss", Chat),
        ("S", Chat),
        ("Quero receber", Chat),
        ("quero voltar a receber as promoções", Chat),
        ("Quero sim, pode mandar a foto", Chat),
        ("quero saber o preço", Chat),
        ("quero mais", Chat),
        ("quero o azul", Chat),
        ("Aceito cartão?", Chat),
        ("Aceita pix?", Chat),
        ("Volta quando?", Chat),
        ("Volta", Chat),

        // Everything else.
        ("Obrigada!", Chat),
        ("Bom dia", Chat),
        ("👍", Chat),
        ("🙏🙏", Chat),
        ("🛑", Chat),
        ("kkkkkk", Chat),
        ("ok", Chat),
        ("Tá bom", Chat),
        ("Que horas vocês abrem?", Chat),
        ("Tem no tamanho M?", Chat),
        ("A promoção já acabou? Queria muito aquele sapato", Chat),
        ("", Chat),
        ("   ", Chat),
    ];

    [Fact]
    public void Classify_RealReplies_AsACarefulPersonWould()
    {
        var mismatches = Replies
            .Select(reply => (reply.Body, reply.Expected, Actual: Default.Classify(reply.Body)))
            .Where(result => result.Actual.Kind != result.Expected)
            .Select(result => $"\"{result.Body}\": expected {result.Expected}, got {result.Actual.Kind} ({result.Actual.Rule})")
            .ToList();

        Assert.True(Replies.Length >= 100, $"only {Replies.Length} replies");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {Replies.Length} replies misread:{Environment.NewLine}{string.Join(Environment.NewLine, mismatches)}");
    }

    [Theory]
    [InlineData("SAIR!!!", "keyword:sair")]
    [InlineData("Não quero mais.", "keyword:nao-quero-mais")]
    [InlineData("não quero", "keyword:nao-quero")]
    [InlineData("quero sair", "keyword:sair")]
    [InlineData("sairrr", "variant:sair")]
    [InlineData("Sai", "variant:sair")]
    [InlineData("n quero", "variant:nao-quero")]
    [InlineData("descadastar", "variant:descadastrar")]
    [InlineData("Sim 👍", "keyword:sim")]
    [InlineData("siiim", "variant:sim")]
    [InlineData("Sim?", InboundRules.Question)]
    [InlineData("👍", InboundRules.Empty)]
    [InlineData(null, InboundRules.Empty)]
    [InlineData("Obrigada!", InboundRules.None)]
    [InlineData("vou sair para almoçar", InboundRules.None)]
    [InlineData("Apaga meus dados", InboundRules.EraseData)]
    [InlineData("Não autorizei vocês a me mandarem mensagem", InboundRules.NoConsent)]
    [InlineData("Quero sair da lista", InboundRules.Leave)]
    [InlineData("Pode me tirar?", InboundRules.RemoveMe)]
    [InlineData("Para de mandar mensagem", InboundRules.StopSending)]
    [InlineData("Não me mande mais", InboundRules.DoNotSend)]
    [InlineData("Não quero receber", InboundRules.DoNotWant)]
    [InlineData("Sem interesse", InboundRules.NoInterest)]
    [InlineData("Pare! Não me mande mais mensagens", InboundRules.DoNotSend)]
    [InlineData("Não me mande mais mensagens. Me tira da lista!", InboundRules.RemoveMe)]
    public void Classify_NamesTheRuleThatDecided(string? body, string rule) =>
        Assert.Equal(rule, Default.Classify(body).Rule);

    [Fact]
    public void Classify_CountsAnExplicitRequestUpToTheWordBound()
    {
        // 12 words besides the courtesies: still read as a request.
        const string longest = "Oi, bom dia! Eu não quero mais receber nenhuma dessas mensagens de promoção de vocês, obrigada";
        Assert.Equal(InboundIntentClassifier.MaxShortMessageWords, "eu nao quero mais receber nenhuma dessas mensagens de promocao de voces".Split(' ').Length);
        Assert.Equal(InboundIntentKind.OptOut, Default.Classify(longest).Kind);
    }

    [Fact]
    public void Classify_IgnoresAChainOfRequestsBeyondTheWordBound()
    {
        var chain = string.Join(". ", Enumerable.Repeat("Para de mandar mensagem", 4));
        Assert.Equal(InboundIntentKind.OptOut, Default.Classify("Para de mandar mensagem. Me tira da lista").Kind);
        Assert.Equal(new InboundIntent(InboundIntentKind.Interaction, InboundRules.None), Default.Classify(chain + " e me deixa em paz"));
    }

    [Fact]
    public void Classify_AKeywordRepeatedAnyNumberOfTimes_IsStillTheKeyword() =>
        Assert.Equal(InboundIntentKind.OptOut, Default.Classify(string.Join(" ", Enumerable.Repeat("SAIR!", 500))).Kind);

    [Fact]
    public void Constructor_UsesTheSpecDefaults_WhenNothingIsConfigured()
    {
        Assert.Equal(["sair", "parar", "pare", "stop", "cancelar", "descadastrar", "remover", "nao quero", "nao quero mais"], InboundIntentClassifier.DefaultOptOutKeywords);
        Assert.Equal(["sim", "quero", "aceito", "voltar", "start"], InboundIntentClassifier.DefaultOptInKeywords);
        var configured = new InboundIntentClassifier(new InboundIntentOptions { OptOutKeywords = null, OptInKeywords = null });
        Assert.Equal(InboundIntentKind.OptOut, configured.Classify("descadastrar").Kind);
        Assert.Equal(InboundIntentKind.OptIn, configured.Classify("start").Kind);
    }

    [Fact]
    public void Constructor_NormalisesConfiguredKeywords_AndTheyReplaceTheDefaults()
    {
        var classifier = new InboundIntentClassifier(new InboundIntentOptions
        {
            OptOutKeywords = ["  BASTA JÁ!! ", "Desinscrever"],
            OptInKeywords = ["Bora 🚀", "Com certeza"],
        });

        Assert.Equal(new InboundIntent(InboundIntentKind.OptOut, "keyword:basta-ja"), classifier.Classify("basta já"));
        Assert.Equal(new InboundIntent(InboundIntentKind.OptOut, "variant:desinscrever"), classifier.Classify("Desinscreve!"));
        Assert.Equal(new InboundIntent(InboundIntentKind.OptIn, "keyword:com-certeza"), classifier.Classify("Com certeza! 😊"));
        Assert.Equal(new InboundIntent(InboundIntentKind.OptIn, "keyword:bora"), classifier.Classify("BORA"));
        Assert.Equal(InboundIntentKind.Interaction, classifier.Classify("sim").Kind);

        // Configured keywords replace the defaults; the built-in stop requests stay.
        Assert.Equal(InboundIntentKind.Interaction, classifier.Classify("stop").Kind);
        Assert.Equal(InboundIntentKind.OptOut, classifier.Classify("quero sair da lista").Kind);
    }

    [Theory]
    [InlineData(new string[0], null, KeywordList.OptOut, KeywordProblemKind.EmptyList)]
    [InlineData(null, new string[0], KeywordList.OptIn, KeywordProblemKind.EmptyList)]
    [InlineData(new[] { "sair", "   " }, null, KeywordList.OptOut, KeywordProblemKind.Blank)]
    [InlineData(new[] { "sair", "🙏!!" }, null, KeywordList.OptOut, KeywordProblemKind.Blank)]
    [InlineData(null, new[] { "" }, KeywordList.OptIn, KeywordProblemKind.Blank)]
    [InlineData(new[] { "sair", "Sim" }, null, KeywordList.OptIn, KeywordProblemKind.InBothLists)]
    public void Constructor_RejectsUnusableKeywords_NamingTheList(string[]? optOut, string[]? optIn, KeywordList list, KeywordProblemKind kind)
    {
        var options = new InboundIntentOptions { OptOutKeywords = optOut, OptInKeywords = optIn };

        var error = Assert.Throws<KeywordListsException>(() => new InboundIntentClassifier(options));

        Assert.Equal((list, kind), (error.Problems[0].List, error.Problems[0].Kind));
        Assert.Equal(error.Problems, InboundIntentClassifier.Check(options));
    }

    [Fact]
    public void Constructor_ReportsEveryProblemAtOnce()
    {
        var error = Assert.Throws<KeywordListsException>(() => new InboundIntentClassifier(new InboundIntentOptions { OptOutKeywords = ["sair", null!, "..."], OptInKeywords = [] }));
        Assert.Contains(new KeywordProblem(KeywordList.OptOut, KeywordProblemKind.Blank, 1, null), error.Problems);
        Assert.Contains(new KeywordProblem(KeywordList.OptOut, KeywordProblemKind.Blank, 2, "..."), error.Problems);
        Assert.Contains(new KeywordProblem(KeywordList.OptIn, KeywordProblemKind.EmptyList, null, null), error.Problems);
    }

    [Fact]
    public void Check_FindsNothingWrongWithTheDefaults_OrAnOverlapOnlyInSpelling()
    {
        Assert.Empty(InboundIntentClassifier.Check(new InboundIntentOptions()));
        Assert.Equal(
            [new KeywordProblem(KeywordList.OptIn, KeywordProblemKind.InBothLists, null, "nao quero")],
            InboundIntentClassifier.Check(new InboundIntentOptions { OptOutKeywords = ["Não quero"], OptInKeywords = ["sim", "NÃO QUERO!"] }));
    }

    [Fact]
    public void Constructor_RejectsNullOptions() =>
        Assert.Throws<ArgumentNullException>(() => new InboundIntentClassifier(null!));
}
