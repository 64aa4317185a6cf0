using System.Buffers;
using System.Collections.ObjectModel;
using System.Text;

namespace Vinculo.Consent;

/// <summary>
/// Decides what an inbound WhatsApp message asks for (SPEC sections 4 and 6): to stop (opt-out), to receive marketing
/// (opt-in), or neither (an interaction, which keeps consent fresh). Deterministic, never throws, and safe to call from
/// several threads. <see cref="InboundIntent.Rule"/> says which rule decided.
/// </summary>
/// <remarks>
/// <para>The two mistakes do not cost the same. A false opt-out loses a customer, who can win it back by writing an
/// opt-in keyword; a missed one keeps writing to someone who asked us to stop, which LGPD forbids and which WhatsApp
/// punishes. So an explicit request to stop, however it is spelt, is an opt-out; a message that merely contains a stop
/// word is not; and when in doubt it is an interaction, because WhatsApp's own stop button is always there too.
/// An opt-in is the business's proof of consent (LGPD art. 8 §2), so only the keywords themselves grant it.</para>
/// <para>In order:</para>
/// <list type="number">
/// <item>Nothing left after <see cref="InboundText.Normalize"/> ("👍", "?"): interaction, <see cref="InboundRules.Empty"/>.</item>
/// <item>Keywords: a message made only of keywords, courtesies and a few words that change nothing ("SAIR!!!",
/// "sair sair", "Sair 🙏", "pare, por favor", "eu não quero mais", "Sim, obrigada!", "quero sim") is an opt-out when any of those keywords is an opt-out one ("quero sair", "sim, pode
/// parar" ask to stop), else an opt-in. No length limit: "sair" fifty times is still "sair". A keyword counts when written
/// exactly (after normalisation), with emphasis ("sairrr", "siiim"), with common chat spellings ("n quero"), as the
/// imperative without the final r of an opt-out verb in -ar, -er or -air ("sai", "para", "cancela", "remove"), or, for
/// opt-out keywords of 8 letters or more only, with one slip of a finger ("descadastar"). Short keywords get no typo
/// tolerance: one letter away from "sair" or "sim" are "sai", "sei", "sem", "som", ordinary words.</item>
/// <item>"sai" and "para" alone are opt-outs only without an accent on the last letter: "saí" (I left) and "Pará" (the
/// state) are other words, while "pára" (the pre-2009 spelling of "stop!") still counts.</item>
/// <item>Stop requests: a message of at most <see cref="MaxShortMessageWords"/> words besides courtesies that is wholly
/// one of the stop requests of <see cref="StopPhrases"/> ("quero sair da lista", "pode me tirar", "não me mande mais",
/// "para de mandar mensagem", "não tenho interesse").</item>
/// <item>An opt-in keyword asked as a question ("Sim?", "Quero?") is an interaction, <see cref="InboundRules.Question"/>:
/// consent must be an affirmation. An opt-out keyword asked as a question still counts ("Sair?"), as SPEC section 4 says.</item>
/// <item>Anything else is an interaction, <see cref="InboundRules.None"/>: "vou sair para almoçar", "não quero mais o
/// vestido azul, quero o vermelho", "pode parar o carro ali?", "não quero sair", "sim, mas só amanhã", "quero receber".</item>
/// </list>
/// <para>Words repeated in a row count once ("não, não quero", "sair sair"). Apart from opt-ins, a question mark changes
/// nothing: "pode me tirar da lista?" is how Brazilians ask politely.</para>
/// </remarks>
public sealed class InboundIntentClassifier
{
    /// <summary>
    /// How many words, courtesies aside, a message may have and still be read as a stop request. The longest request in
    /// our examples ("eu gostaria de ser removida da lista de transmissão de vocês") has 11. Patterns must cover the
    /// whole message anyway, so this bound is a backstop against a long message that happens to chain stop phrases.
    /// </summary>
    public const int MaxShortMessageWords = 12;

    /// <summary>Opt-out keywords of SPEC section 4, used when <see cref="InboundIntentOptions.OptOutKeywords"/> is not set.</summary>
    public static ReadOnlyCollection<string> DefaultOptOutKeywords { get; } =
        new(["sair", "parar", "pare", "stop", "cancelar", "descadastrar", "remover", "nao quero", "nao quero mais"]);

    /// <summary>Opt-in keywords of SPEC section 4, used when <see cref="InboundIntentOptions.OptInKeywords"/> is not set.</summary>
    public static ReadOnlyCollection<string> DefaultOptInKeywords { get; } = new(["sim", "quero", "aceito", "voltar", "start"]);

    /// <summary>Words that make a message polite without changing what it asks.</summary>
    private static readonly string[] Courtesies =
    [
        "oi", "ola", "opa", "bom dia", "boa tarde", "boa noite", "por favor", "porfavor", "pfv", "pfvr", "pf", "favor",
        "por gentileza", "please", "pls", "plz", "obrigado", "obrigada", "obrigadao", "obrigadinho", "obrigadinha", "obg",
        "obgd", "obgda", "brigado", "brigada", "grato", "grata", "agradeco", "valeu", "vlw", "thanks", "thank you", "tchau",
        "abraco", "abracos", "abs", "att", "atenciosamente", "beijo", "beijos", "bjs", "bj", "desculpa", "desculpe",
        "tudo bem", "tudo bom", "td bem", "tudo certo", "pela atencao", "obrigado pela atencao",
        "obrigada pela atencao", "obrigado pela compreensao", "obrigada pela compreensao", "desde ja", "desde ja agradeco",
    ];

    /// <summary>Words that may stand beside any keyword without changing it: "eu não quero mais", "ok, sim", "tá, pare".</summary>
    private static readonly string[] Harmless = ["eu", "ok", "okay", "ta", "entao", "ei"];

    /// <summary>
    /// Words that may stand beside an opt-out keyword ("Gente, para!", "De novo? Sair") but not beside an opt-in one:
    /// "mas quero" or "sério? sim" go on to something else more often than they consent. Not "já": "ja sai" is how
    /// "já saí" (I already left) is typed without accents.
    /// </summary>
    private static readonly string[] Hedges = ["gente", "pessoal", "serio", "mas", "de novo", "novamente", "mais uma vez", "aff", "affs", "putz"];

    /// <summary>
    /// Words whose accent on the last letter makes them other words: "saí" (I left) is not "sai" (leave!), "Pará" (the
    /// state) is not "para" (stop!). Their accented forms get a canonical spelling no rule matches.
    /// </summary>
    private static readonly HashSet<string> AccentSensitive = new(StringComparer.Ordinal) { "sai", "para" };

    private static readonly SearchValues<char> QuestionMarks = SearchValues.Create("?¿？﹖");

    /// <summary>How people write some words in chats, mapped to the spelling the rules use.</summary>
    private static readonly Dictionary<string, string> ChatSpellings = new(StringComparer.Ordinal)
    {
        ["n"] = "nao",
        ["nau"] = "nao",
        ["naum"] = "nao",
        ["num"] = "nao",
        ["vc"] = "voce",
        ["ce"] = "voce",
        ["vcs"] = "voces",
        ["ces"] = "voces",
        ["voceis"] = "voces",
        ["msg"] = "mensagem",
        ["msgs"] = "mensagens",
        ["mgs"] = "mensagens",
        ["q"] = "que",
        ["p"] = "pra",
        ["agr"] = "agora",
        ["nd"] = "nada",
        ["ngm"] = "ninguem",
    };

    private static readonly Phrase[] CourtesyPhrases =
        [.. Courtesies.Select(courtesy => Phrase.Of(courtesy, PhraseKind.Courtesy)).OrderByDescending(phrase => phrase.Words.Length)];

    private static readonly Phrase[] AsidePhrases =
        [.. Harmless.Select(word => Phrase.Of(word, PhraseKind.Harmless)), .. Hedges.Select(word => Phrase.Of(word, PhraseKind.Hedge))];

    /// <summary>
    /// Opt-out keywords, opt-in keywords, courtesies, harmless words and hedges, longest first, so that "nao quero mais"
    /// beats "nao quero", and on equal length in that order, so that a keyword beats a courtesy spelt the same.
    /// </summary>
    private readonly Phrase[] phrases;

    public InboundIntentClassifier()
        : this(new InboundIntentOptions())
    {
    }

    /// <exception cref="KeywordListsException">A keyword list is empty, a keyword is blank (or only punctuation or emoji),
    /// or a keyword is in both lists; <see cref="KeywordListsException.Problems"/> holds every such problem.</exception>
    public InboundIntentClassifier(InboundIntentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (optOut, optIn, problems) = Read(options);
        if (problems.Count > 0)
        {
            throw new KeywordListsException(problems);
        }

        phrases = [.. optOut.Concat(optIn).Concat(CourtesyPhrases).Concat(AsidePhrases).OrderByDescending(phrase => phrase.Words.Length).ThenBy(phrase => phrase.Kind)];
    }

    /// <summary>What makes the keyword lists of <paramref name="options"/> unusable, all of it; empty when nothing does.</summary>
    public static IReadOnlyList<KeywordProblem> Check(InboundIntentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Read(options).Problems;
    }

    /// <param name="body"><c>inbound_messages.body</c>; null (a sticker, an image without caption) is an interaction.</param>
    public InboundIntent Classify(string? body)
    {
        var words = InboundText.Words(body);
        if (words.Count == 0)
        {
            return new InboundIntent(InboundIntentKind.Interaction, InboundRules.Empty);
        }

        var tokens = Tokens(words);
        if (OnlyKeywords(tokens) is { } intent)
        {
            // "Sim?" answers a greeting or asks what we want; consent must be an affirmation the business can show.
            return intent.Kind == InboundIntentKind.OptIn && body.AsSpan().IndexOfAny(QuestionMarks) >= 0
                ? new InboundIntent(InboundIntentKind.Interaction, InboundRules.Question)
                : intent;
        }

        var content = WithoutCourtesies(tokens);
        if (content.Count <= MaxShortMessageWords && StopPhrases.Match(content) is { } rule)
        {
            return new InboundIntent(InboundIntentKind.OptOut, rule);
        }

        return new InboundIntent(InboundIntentKind.Interaction, InboundRules.None);
    }

    private static (List<Phrase> OptOut, List<Phrase> OptIn, List<KeywordProblem> Problems) Read(InboundIntentOptions options)
    {
        var problems = new List<KeywordProblem>();
        var optOut = Keywords(options.OptOutKeywords ?? DefaultOptOutKeywords, KeywordList.OptOut, PhraseKind.OptOut, problems);
        var optIn = Keywords(options.OptInKeywords ?? DefaultOptInKeywords, KeywordList.OptIn, PhraseKind.OptIn, problems);
        foreach (var keyword in optIn.Select(phrase => phrase.Text).Intersect(optOut.Select(phrase => phrase.Text), StringComparer.Ordinal))
        {
            problems.Add(new KeywordProblem(KeywordList.OptIn, KeywordProblemKind.InBothLists, Index: null, keyword));
        }

        return (optOut, optIn, problems);
    }

    private static List<Phrase> Keywords(IReadOnlyList<string> configured, KeywordList list, PhraseKind kind, List<KeywordProblem> problems)
    {
        var keywords = new List<Phrase>();
        if (configured.Count == 0)
        {
            problems.Add(new KeywordProblem(list, KeywordProblemKind.EmptyList, Index: null, Keyword: null));
        }

        for (var i = 0; i < configured.Count; i++)
        {
            var normalized = InboundText.Normalize(configured[i]);
            if (normalized.Length == 0)
            {
                problems.Add(new KeywordProblem(list, KeywordProblemKind.Blank, i, configured[i]));
            }
            else if (!keywords.Exists(keyword => keyword.Text == normalized))
            {
                keywords.Add(Phrase.Of(normalized, kind));
            }
        }

        return keywords;
    }

    private static List<Token> Tokens(List<InboundWord> words)
    {
        var tokens = new List<Token>(words.Count);
        foreach (var word in words)
        {
            var canonical = Canonical(word.Text);
            if (word.AccentOnLastLetter && AccentSensitive.Contains(canonical))
            {
                canonical += "\u00B4";
            }

            if (tokens.Count == 0 || tokens[^1].Canonical != canonical)
            {
                tokens.Add(new Token(word.Text, canonical, word.AccentOnLastLetter));
            }
        }

        return tokens;
    }

    /// <summary>The intent of a message made only of keywords and courtesies; null when it holds any other word.</summary>
    private InboundIntent? OnlyKeywords(List<Token> tokens)
    {
        (Phrase Phrase, bool Exact)? optOut = null;
        (Phrase Phrase, bool Exact)? optIn = null;
        var hedged = false;
        for (var i = 0; i < tokens.Count;)
        {
            if (Longest(phrases, tokens, i) is not (var phrase, var exact))
            {
                return null;
            }

            if (phrase.Kind == PhraseKind.OptOut)
            {
                optOut ??= (phrase, exact);
            }
            else if (phrase.Kind == PhraseKind.OptIn)
            {
                optIn ??= (phrase, exact);
            }
            else if (phrase.Kind == PhraseKind.Hedge)
            {
                hedged = true;
            }

            i += phrase.Words.Length;
        }

        if (optOut is null && hedged)
        {
            return null;
        }

        return (optOut ?? optIn) is (var first, var firstExact)
            ? new InboundIntent(
                first.Kind == PhraseKind.OptOut ? InboundIntentKind.OptOut : InboundIntentKind.OptIn,
                (firstExact ? InboundRules.KeywordPrefix : InboundRules.VariantPrefix) + first.Code)
            : new InboundIntent(InboundIntentKind.Interaction, InboundRules.None);
    }

    private static List<string> WithoutCourtesies(List<Token> tokens)
    {
        var content = new List<string>();
        for (var i = 0; i < tokens.Count;)
        {
            if (Longest(CourtesyPhrases, tokens, i) is (var courtesy, _))
            {
                i += courtesy.Words.Length;
                continue;
            }

            // Again once courtesies are gone: "não, obrigado, não quero mais receber".
            if (content.Count == 0 || content[^1] != tokens[i].Canonical)
            {
                content.Add(tokens[i].Canonical);
            }

            i++;
            if (content.Count > MaxShortMessageWords)
            {
                break;
            }
        }

        return content;
    }

    /// <summary>
    /// The longest phrase that starts at <paramref name="start"/>; among equally long ones, the first kind in
    /// <see cref="PhraseKind"/> order (an opt-out keyword before anything else), and within a kind the one written exactly.
    /// </summary>
    /// <param name="candidates">Sorted longest first, then by kind.</param>
    private static (Phrase Phrase, bool Exact)? Longest(Phrase[] candidates, List<Token> tokens, int start)
    {
        (Phrase Phrase, bool Exact)? best = null;
        foreach (var phrase in candidates)
        {
            if (best is (var found, var foundExact))
            {
                // Candidates come longest first, then by kind: only an exact twin can still beat a variant.
                if (phrase.Words.Length < found.Words.Length)
                {
                    break;
                }

                if (foundExact || phrase.Kind != found.Kind)
                {
                    continue;
                }
            }

            var match = Match(phrase, tokens, start);
            if (match != MatchQuality.None && (best is null || match == MatchQuality.Exact))
            {
                best = (phrase, match == MatchQuality.Exact);
            }
        }

        return best;
    }

    private static MatchQuality Match(Phrase phrase, List<Token> tokens, int start)
    {
        if (start + phrase.Words.Length > tokens.Count)
        {
            return MatchQuality.None;
        }

        var exact = true;
        for (var k = 0; k < phrase.Words.Length; k++)
        {
            var token = tokens[start + k];
            if (token.Text == phrase.Words[k])
            {
                continue;
            }

            exact = false;
            var word = phrase.CanonicalWords[k];
            var variant = token.Canonical == word || IsEmphasis(token.Canonical, word) ||
                (phrase.Kind == PhraseKind.OptOut && phrase.Words.Length == 1 && (IsImperative(token, word) || IsSlip(token.Canonical, word)));
            if (!variant)
            {
                return MatchQuality.None;
            }
        }

        return exact ? MatchQuality.Exact : MatchQuality.Variant;
    }

    /// <summary>
    /// "sai" for "sair", "para" for "parar", "remove" for "remover": the imperative, which is also how the infinitive
    /// sounds in Brazilian speech. Only for -ar, -er and -air verbs; elsewhere the form without r is a past tense
    /// ("desisti"). An accent on the last letter makes it another word ("saí", "Pará").
    /// </summary>
    private static bool IsImperative(Token token, string keyword)
    {
        var verb = keyword.Length >= 4 && keyword[^1] == 'r' && (keyword[^2] is 'a' or 'e' || keyword.EndsWith("air", StringComparison.Ordinal));
        if (!verb || token.AccentOnLastLetter)
        {
            return false;
        }

        var stem = keyword[..^1];
        return token.Canonical == stem || IsEmphasis(token.Canonical, stem);
    }

    /// <summary>Letters held down for emphasis: the same letters in the same order, some repeated more ("sairr", "siiim").</summary>
    private static bool IsEmphasis(string token, string word)
    {
        if (token.Length <= word.Length || token[0] != word[0])
        {
            return false;
        }

        int t = 0, w = 0;
        while (t < token.Length && w < word.Length)
        {
            var c = word[w];
            if (token[t] != c)
            {
                return false;
            }

            var wordRun = Run(word, w);
            var tokenRun = Run(token, t);
            if (tokenRun < wordRun)
            {
                return false;
            }

            t += tokenRun;
            w += wordRun;
        }

        return t == token.Length && w == word.Length;

        static int Run(string text, int at)
        {
            var end = at + 1;
            while (end < text.Length && text[end] == text[at])
            {
                end++;
            }

            return end - at;
        }
    }

    /// <summary>
    /// One letter wrong, missing, extra or swapped with its neighbour ("descadastar", "cancelra"), for long keywords only:
    /// within one letter of a short word lie too many other words.
    /// </summary>
    private static bool IsSlip(string token, string keyword)
    {
        const int minKeywordLength = 8;
        if (keyword.Length < minKeywordLength || Math.Abs(token.Length - keyword.Length) > 1)
        {
            return false;
        }

        // Optimal string alignment distance, row by row.
        var previous2 = new int[keyword.Length + 1];
        var previous = new int[keyword.Length + 1];
        var current = new int[keyword.Length + 1];
        for (var j = 0; j <= keyword.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= token.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= keyword.Length; j++)
            {
                var cost = token[i - 1] == keyword[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && token[i - 1] == keyword[j - 2] && token[i - 2] == keyword[j - 1])
                {
                    current[j] = Math.Min(current[j], previous2[j - 2] + 1);
                }
            }

            (previous2, previous, current) = (previous, current, previous2);
        }

        return previous[keyword.Length] == 1;
    }

    /// <summary>
    /// A word as the rules compare it: a doubled vowel or any tripled letter said once ("naaao", "paraaa", "siim";
    /// Portuguese seldom doubles a vowel and never triples a letter), then chat spellings mapped ("n" → "nao").
    /// </summary>
    private static string Canonical(string word)
    {
        StringBuilder? collapsed = null;
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            var run = 1;
            while (i + run < word.Length && word[i + run] == c)
            {
                run++;
            }

            var keep = run >= 3 || (run == 2 && c is 'a' or 'e' or 'i' or 'o' or 'u') ? 1 : run;
            if (keep != run)
            {
                collapsed ??= new StringBuilder(word, 0, i, word.Length);
            }

            collapsed?.Append(c, keep);
            i += run - 1;
        }

        var canonical = collapsed?.ToString() ?? word;
        return ChatSpellings.GetValueOrDefault(canonical, canonical);
    }

    private enum PhraseKind
    {
        OptOut,
        OptIn,
        Courtesy,
        Harmless,
        Hedge,
    }

    private enum MatchQuality
    {
        None,
        Exact,
        Variant,
    }

    private readonly record struct Token(string Text, string Canonical, bool AccentOnLastLetter);

    /// <param name="Text">Normalised, words separated by single spaces.</param>
    private sealed record Phrase(string Text, string[] Words, string[] CanonicalWords, PhraseKind Kind)
    {
        /// <summary>The keyword as it appears in a rule code: "nao-quero-mais".</summary>
        public string Code => Text.Replace(' ', '-');

        public static Phrase Of(string normalized, PhraseKind kind)
        {
            var words = normalized.Split(' ');
            return new Phrase(normalized, words, [.. words.Select(Canonical)], kind);
        }
    }
}
