using CsCheck;
using Vinculo.Consent;
using Xunit;

namespace Vinculo.Core.Tests.Consent;

/// <summary>Classify on anything WhatsApp can deliver: it never throws, explains itself, and never reads a stop request into chatter.</summary>
public sealed class InboundIntentClassifierPropertyTests
{
    private const string Letters = "sairpetoncmlvqudbASIRPÃÇÉ ,.!?";
    private const string Controls = "\0\u0001\u001F\u007F\t\n\r\u0085\u00A0\u2028\u2029";
    private const string Invisible = "\u200B\u200C\u200D\u200E\u200F\u202A\u202E\u2066\u2069\uFEFF\u00AD\uFE0F";
    private const string Marks = "\u0301\u0303\u0327\u0308\u20E3";
    private const string Odd = "ªº½²Ⅻﬁ？¿！…“”«»\uD800\uDBFF\uDC00\uDFFF";
    private const string Emoji = "😀🙏👍🏽🛑❤️👨‍👩‍👧𝐒𝐀𝐈𝐑";

    /// <summary>Ordinary words of customer chat: no keyword, courtesy or stop-request vocabulary among them.</summary>
    private static readonly string[] Chatter =
    [
        "vestido", "azul", "amanhã", "entrega", "pedido", "loja", "preço", "tamanho", "cor", "foto", "semana", "hoje", "cedo",
        "almoço", "trabalho", "casa", "filho", "presente", "aniversário", "sapato", "blusa", "vermelho", "depois", "respondo",
        "passo", "comprar", "choveu", "marido", "carro", "ali", "perfume", "centro", "shopping", "cartão", "pix", "troca",
        "garantia", "modelo", "estoque", "sábado", "domingo", "cheguei", "esperando", "obra", "reunião", "escola", "médico",
    ];

    /// <summary>Pieces of the stop-request grammar, so that random soups come close to requests and stress the matcher.</summary>
    private static readonly string[] GrammarWords =
    [
        "me", "tira", "da", "lista", "não", "quero", "mais", "sair", "para", "pare", "de", "mandar", "mensagem", "pode", "eu",
        "sim", "receber", "chega", "nunca", "remove", "meu", "número", "isso", "nada", "dessa", "como", "faço", "pra", "ok",
        "já", "pedi", "vocês", "sai", "daqui", "cancela", "interesse", "tenho", "sem", "apaga", "meus", "dados", "enviar",
    ];

    private static readonly InboundIntentClassifier Default = new();

    [Fact]
    public void Classify_AnyString() =>
        Gen.String.Sample(Holds, iter: 10_000);

    [Fact]
    public void Classify_LettersControlsMarksInvisiblesAndBrokenSurrogates() =>
        Gen.Char[Letters + Controls + Invisible + Marks + Odd + Emoji].Array[0, 60].Select(chars => new string(chars)).Sample(Holds, iter: 10_000);

    [Fact]
    public void Classify_VeryLongMessages() =>
        Gen.Char[Letters + Controls + Invisible + Marks + Odd + Emoji].Array[1_000, 10_000].Select(chars => new string(chars)).Sample(Holds, iter: 200);

    [Fact]
    public void Classify_SoupsOfStopRequestWords() =>
        Gen.OneOf(GrammarWords).Array[1, 16]
            .Select(Gen.OneOf(" ", ", ", "! ", "? ", ". "), (words, separator) => string.Join(separator, words))
            .Sample(Holds, iter: 5_000);

    [Fact]
    public void Classify_ALongMessageThatMerelyContainsAKeyword_IsNeverAnOptOut() =>
        Gen.Select(
                Gen.Shuffle(Chatter, InboundIntentClassifier.MaxShortMessageWords, Chatter.Length),
                Gen.OneOf([.. InboundIntentClassifier.DefaultOptOutKeywords, "não quero mais", "SAIR!!!", "Pare", "sai", "para", "me tira", "quero sair"]),
                Gen.Int[0, 1_000],
                Gen.OneOf(" ", ", ", "... ", " 🙏 "))
            .Sample((words, keyword, at, separator) =>
            {
                var sentence = words.ToList();
                sentence.Insert(at % (sentence.Count + 1), keyword);
                var body = string.Join(separator, sentence);
                var intent = Default.Classify(body);
                Assert.True(intent.Kind != InboundIntentKind.OptOut, $"\"{body}\" gave {intent}");
            }, iter: 5_000);

    [Fact]
    public void Classify_AnOptOutKeywordHoweverDecorated_IsAnOptOut() =>
        Gen.Select(
                Gen.OneOf([.. InboundIntentClassifier.DefaultOptOutKeywords]),
                Gen.Bool.Array[16],
                Gen.OneOf("", "  ", "*", "🙏 ", "\u200E", "Oi, ", "Boa tarde! ", "Por favor, ", "Eu "),
                Gen.OneOf("", ".", "!!!", " 🙏", "?", "*", " por favor", ", obrigada!", " pfv", " 😡😡"),
                Gen.Int[1, 3])
            .Sample((keyword, upper, prefix, suffix, times) =>
            {
                var cased = new string([.. keyword.Select((c, i) => upper[i % upper.Length] ? char.ToUpperInvariant(c) : c)]);
                var body = prefix + string.Join(" ", Enumerable.Repeat(cased, times)) + suffix;
                var intent = Default.Classify(body);
                Assert.True(
                    intent == new InboundIntent(InboundIntentKind.OptOut, InboundRules.KeywordPrefix + keyword.Replace(' ', '-')),
                    $"\"{body}\" gave {intent}");
            }, iter: 5_000);

    [Fact]
    public void Classify_GrantsConsentExactlyWhenEveryWordIsAnOptInKeywordOrACourtesy() =>
        Gen.OneOf([.. InboundIntentClassifier.DefaultOptInKeywords, "por favor", "obrigada", "bom dia", .. Chatter[..8], "não", "mas", "só"]).Array[1, 5]
            .Select(words => string.Join(" ", words))
            .Sample(body =>
            {
                var intent = Default.Classify(body);
                var onlyKeywordsAndCourtesies = InboundText.Normalize(body).Replace("por favor", "", StringComparison.Ordinal).Replace("bom dia", "", StringComparison.Ordinal)
                    .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .All(word => InboundIntentClassifier.DefaultOptInKeywords.Contains(word) || word == "obrigada");
                Assert.True(intent.Kind != InboundIntentKind.OptIn || onlyKeywordsAndCourtesies, $"\"{body}\" gave {intent}");
                Assert.True(intent.Kind == InboundIntentKind.OptIn || !onlyKeywordsAndCourtesies || !InboundIntentClassifier.DefaultOptInKeywords.Any(body.Contains), $"\"{body}\" gave {intent}");
            }, iter: 5_000);

    private static void Holds(string body)
    {
        var intent = Default.Classify(body);
        Assert.True(Enum.IsDefined(intent.Kind), $"{intent}");
        var consistent = intent.Rule switch
        {
            InboundRules.Empty or InboundRules.None or InboundRules.Question => intent.Kind == InboundIntentKind.Interaction,
            _ when intent.Rule.StartsWith("phrase:", StringComparison.Ordinal) => intent.Kind == InboundIntentKind.OptOut,
            _ when intent.Rule.StartsWith(InboundRules.KeywordPrefix, StringComparison.Ordinal) ||
                intent.Rule.StartsWith(InboundRules.VariantPrefix, StringComparison.Ordinal) =>
                intent.Kind is InboundIntentKind.OptOut or InboundIntentKind.OptIn && intent.Rule.Length > InboundRules.VariantPrefix.Length,
            _ => false,
        };
        Assert.True(consistent, $"\"{body}\" gave {intent}");
        Assert.Equal(intent, Default.Classify(body));
        Assert.Equal(intent.Kind == InboundIntentKind.Interaction && intent.Rule == InboundRules.Empty, InboundText.Normalize(body).Length == 0);
    }
}
