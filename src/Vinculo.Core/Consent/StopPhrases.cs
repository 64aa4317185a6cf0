using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Vinculo.Consent;

/// <summary>
/// The short ways Brazilians ask a business to stop writing, as a small grammar of verbs and objects rather than a
/// list of sentences. Input is a message's words in canonical form (see <see cref="InboundIntentClassifier"/>):
/// normalised, courtesies removed ("por favor", "obrigada", "bom dia"), informal spellings mapped ("n" → "nao",
/// "vcs" → "voces", "msg" → "mensagem"), emphasis undone ("paraaa" → "para"), a word repeated in a row said once.
/// </summary>
/// <remarks>
/// <para>Every pattern must cover the whole message: "me tira da lista" is a request, "me tira uma dúvida" and "vou sair
/// para almoçar" are not, because "uma dúvida" and "para almoçar" are not objects any pattern allows. That, not the
/// word count, is the main guard against false opt-outs; the count (<see cref="InboundIntentClassifier.MaxShortMessageWords"/>)
/// is a backstop.</para>
/// <para>A message may chain several requests ("Pare. Não me mande mais mensagens", "para de mandar, me tira da
/// lista"), and a bare stop word counts inside such a chain; at least one link must be a full request.</para>
/// <para>A negation in front of a request is never skipped: "não me tira da lista" and "não quero sair" match nothing.
/// A question mark is not a veto, because Portuguese asks politely with questions ("pode me tirar da lista?").</para>
/// <para>The grammar is Portuguese and built in; <c>Consent:OptOutKeywords</c> is where a business adds its own words.</para>
/// </remarks>
internal static partial class StopPhrases
{
    // Words in front of a request that change nothing: "ok, pode parar", "gente, me tira da lista", "pela terceira vez,
    // me tira dessa lista" (a repeated request is the last one to miss).
    private const string PlainFillerWord =
        "sim|ok|okay|ta|ta bom|beleza|blz|entao|isso|ei|gente|pessoal|moca|moco|amigo|amiga|querida|querido|senhor|senhora|" +
        "ai|olha|so|serio|aff|affs|putz|mas|ja|de novo|novamente|mais uma vez|pela (?:segunda|terceira|quarta|quinta|ultima|milesima|enesima) vez";

    private const string PlainFiller = "(?:(?:" + PlainFillerWord + ") ){0,3}";

    // With a subject too: "eu quero sair", "vocês podem parar".
    private const string Filler = "(?:(?:" + PlainFillerWord + "|eu|voce|voces) ){0,3}";

    // Wishing, asking how to, or having asked already: "quero", "gostaria muito de", "quero que voces", "como que eu
    // faco pra", "tem como", "ja pedi pra".
    private const string Wish =
        "(?:quero|queria|gostaria|desejo|exijo)(?: (?:muito|so|de|da|que|voces|voce)){0,2}|" +
        "como(?: que)?(?: eu)?(?: (?:faco|faz|posso|consigo|devo))?(?: (?:pra|para))?|tem como|teria como|da pra|da para|" +
        "dava pra|tem jeito de|(?:pedi|falei|disse|avisei) (?:pra|para|que)(?: (?:voces|voce))?";

    // Needing: "preciso que me tirem da lista"; but "preciso sair" is "I have to go", so not before a bare "sair".
    private const string Need = "(?:preciso|prefiro|peco)(?: (?:muito|so|de|da|que|voces|voce)){0,2}";

    private const string WishToLeave = "(?:" + Wish + ") ";

    private const string Want = "(?:" + Wish + "|" + Need + ") ";

    // Asking someone to do it: "pode me tirar", "podem parar".
    private const string Ask = "(?:pode|podem|poderia|poderiam|podia|podiam|consegue|conseguem|gentileza) ";

    private const string Lead = Filler + "(?:" + Want + "|" + Ask + ")?";

    // No subject in front of "não me manda mais nada": with one ("você não me manda mais nada") it is a complaint that we
    // stopped writing, not a request to stop.
    private const string PlainLead = PlainFiller + "(?:" + Want + "|" + Ask + ")?";

    // Not "agora" or "logo": "não me manda agora" means "not now", not "never".
    private const string More =
        "(?: (?:mais|ja|imediatamente|urgente|de vez|de uma vez|de uma vez por todas|pra sempre|para sempre|por enquanto|" +
        "tambem|rapido|por mim|ok|entao|ta|valeu|serio|pelo amor de deus|chato|chata|chatos|chatas|que saco|" +
        "(?:eu )?ja (?:pedi|falei|disse|avisei)(?: isso)?(?: antes)?(?: (?:varias|mil|duas|tres) vezes)?)){0,3}";

    private const string Now = "(?: (?:agora|ja|imediatamente|logo|urgente|agora mesmo))?";

    private const string From =
        "(?: (?:de|da|do|desse|dessa|deste|desta|pelo|pela) (?:voces|voce|loja|empresa|numero|contato|perfil|marketing|" +
        "promocao|promocoes|propaganda|propagandas|oferta|ofertas|novidades|whatsapp|whats|zap|ninguem)){0,2}";

    private const string MessageNoun =
        "(?:mensagem|mensagens|mensagen|mensagems|propaganda|propagandas|promocao|promocoes|oferta|ofertas|anuncio|anuncios|" +
        "spam|marketing|novidade|novidades|notificacao|notificacoes|conteudo|conteudos|corrente|correntes|disparo|disparos|" +
        "envio|envios|texto|textos|audio|audios|zap|whats|coisa dessas|esse tipo de coisa|porcaria|palhacada|chatice)";

    private const string Determiner =
        "(?:(?:as|os|a|o|essa|essas|esse|esses|esta|estas|este|estes|sua|suas|seu|seus|mais|nenhuma|nenhum|nem|nem uma|" +
        "tanta|tantas|tanto|tantos|uma|um|qualquer|tipo de|todas|todos|tal|dessa|dessas|desse|desses|destas|destes) ){0,2}";

    // An object only a message can be: safe after "não quero", where "isso" or "nada" could be a product.
    private const string StrictMessage = Determiner + MessageNoun + From;

    // Any object of sending, including "isso" and "nada": safe after a verb of sending ("não me manda mais nada").
    private const string AnyMessage =
        Determiner + "(?:" + MessageNoun + "|isso|isso ai|essas coisas|coisa|coisas|nada|nada disso|nada mais|mais nada)" + From;

    // Where the person wants out of. Not "lista de espera" (a waiting list is about a product, not marketing).
    private const string ListNoun =
        "(?:lista|listas|lista de (?:transmissao|contatos|contato|envio|envios|clientes|mensagens|ofertas|promocoes|divulgacao|" +
        "whatsapp|zap|marketing|disparo|disparos)|grupo|grupos|grupo de (?:ofertas|promocoes|clientes|whatsapp|transmissao|" +
        "vendas|divulgacao)|transmissao|transmissoes|cadastro|cadastros|mailing|newsletter|divulgacao|mensagens|promocoes|" +
        "propagandas|ofertas|envios|disparos|whatsapp|whats|zap|contatos|base|porcaria|porcaria de lista)";

    private const string ListPlace =
        "(?:de|da|do|das|dos|dessa|desse|desta|deste|dessas|desses|destas|destes|na|no|nessa|nesse|nas|nos)" +
        "(?: (?:sua|seu|suas|seus|vossa|essa|esse))? " + ListNoun + From;

    private const string ListObject =
        "(?:" + ListPlace + "|(?:daqui|dai|disso|dessa|desse|fora(?: (?:disso|dessa|desse|daqui|dai))?)" + From + ")";

    // The forms that can only be requests: "nunca me mande" asks, "nunca me manda nada" complains.
    private const string SendVerbSubjunctive =
        "(?:mande|mandem|envie|enviem|encaminhe|encaminhem|dispare|disparem|chame|chamem|ligue|liguem|escreva|escrevam)";

    private const string SendVerb =
        "(?:manda|mande|mandem|mandar|mandarem|mandando|envia|envie|enviem|enviar|enviarem|enviando|encaminha|encaminhe|" +
        "encaminhem|encaminhar|dispara|dispare|disparem|disparar|chama|chame|chamem|chamar|liga|ligue|liguem|ligar|escreve|" +
        "escreva|escrevam|escrever)";

    private const string ReceiveVerb = "(?:receber|recebe|recebo|recebendo)";

    private const string Annoy =
        "(?:encher|enche|encher o saco|encher meu saco|encher o meu saco|encher a paciencia|incomodar|perturbar|importunar|" +
        "atormentar|spammar|floodar|ser chato|ser chata|ser inconveniente|ser insistente)";

    private const string RemoveVerb =
        "(?:tira|tire|tirem|tirar|tirassem|retira|retire|retirem|retirar|retirassem|remove|remova|removam|remover|removessem|" +
        "exclui|exclua|excluam|excluir|excluissem|apaga|apague|apaguem|apagar|apagassem|deleta|delete|deletem|deletar|" +
        "descadastra|descadastre|descadastrem|descadastrar|descadastrassem|desinscreve|desinscreva|desinscrevam|desinscrever|" +
        "cancela|cancele|cancelem|cancelar|cancelassem|tirarem|retirarem|removerem|excluirem|apagarem|deletarem|" +
        "descadastrarem|cancelarem)";

    // Verbs that mean "remove me" with no object. Not "tira" or "apaga": "tira!" and "apaga!" need to say what.
    private const string BareRemoveVerb =
        "(?:remove|remova|removam|remover|exclui|exclua|excluam|excluir|descadastra|descadastre|descadastrem|descadastrar|" +
        "desinscreve|desinscreva|desinscrever|cancela|cancele|cancelem|cancelar)";

    // Not "pedido" or "assinatura": cancelling an order or a paid subscription is not an opt-out.
    private const string MyThing =
        "(?:(?:o|a|os|as) )?(?:meu|meus|minha|minhas|esse|este|nosso) (?:numero|contato|telefone|celular|cel|zap|whats|" +
        "whatsapp|cadastro|inscricao|email|nome)";

    private const string EraseVerb =
        "(?:apaga|apague|apaguem|apagar|exclui|exclua|excluam|excluir|deleta|delete|deletem|deletar|elimina|elimine|eliminem|" +
        "eliminar|remove|remova|removam|remover)";

    private const string PersonalData =
        "(?:(?:todos )?(?:os )?meus dados(?: pessoais)?|minhas informacoes(?: pessoais)?|(?:o )?meu cadastro|meus registros|" +
        "tudo sobre mim)";

    private const string Erase =
        Lead + "(?:" + EraseVerb + " " + PersonalData +
        "|(?:a )?(?:exclusao|remocao|eliminacao) (?:de|dos|do) (?:meus dados(?: pessoais)?|meu cadastro|meu numero))" +
        From + "(?: " + ListObject + ")?" + More;

    // Only with what was not authorised: "não autorizei" alone may be about a payment, "não pedi isso" about an order.
    private const string NoConsent =
        Filler + "(?:nao|nunca) (?:autorizei|permiti|dei permissao|dei autorizacao|pedi|solicitei|me cadastrei|me inscrevi|" +
        "assinei|aceitei|concordei)(?:(?: (?:voces|voce|ninguem))?(?: (?:pra|para|a|em))?(?: me)? (?:" + SendVerb + "|" +
        ReceiveVerb + ")(?: me)?(?: " + AnyMessage + ")?|(?: (?:pra|para) (?:entrar|estar|ficar|participar))? " + ListObject + ")" + More;

    private const string LeaveVerb =
        "(?:sair|saio|me descadastrar|descadastrar|me descadastro|descadastro|me desinscrever|desinscrever|me retirar|" +
        "ser (?:removido|removida|excluido|excluida|retirado|retirada|tirado|tirada|descadastrado|descadastrada|deletado|deletada))";

    // "sair" alone is the keyword's business; here it needs a wish ("quero sair", "como faço pra sair") or a place
    // ("sair da lista", "sai daqui"). Without them "pode sair" (the order may go out) and "eu saí" (I went out) would count.
    private const string Leave =
        Filler + "(?:" + WishToLeave + LeaveVerb + "(?: " + ListObject + ")?" +
        "|" + Want + LeaveVerb + " " + ListObject +
        "|" + Want + "(?:(?:parar|deixar) de receber|nao receber)(?: mais)?(?: " + AnyMessage + ")?" +
        "|(?:" + LeaveVerb + "|sai) " + ListObject +
        "|vou " + LeaveVerb + " " + ListPlace + ")" + Now + More;

    private const string RemoveMe =
        Lead + "(?:me " + RemoveVerb + "(?: " + MyThing + ")?(?: " + ListObject + ")?" +
        "|" + RemoveVerb + " (?:me|eu)(?: " + ListObject + ")?" +
        "|" + RemoveVerb + " " + MyThing + "(?: " + ListObject + ")?" +
        "|" + RemoveVerb + " " + ListObject +
        "|" + BareRemoveVerb +
        "|(?:cancela|cancele|cancelem|cancelar|desativa|desative|desativem|desativar) (?:" + StrictMessage +
        "|(?:(?:a|o|minha|meu) )?(?:inscricao|cadastro)|(?:o |os )?(?:recebimento|envio|envios|disparo|disparos)(?: (?:de|das|dos) " + MessageNoun + ")?)" +
        ")" + Now + More;

    // "para" alone is not here: it is the keyword rule's, which can tell "para!" from "Pará" by the accent.
    private const string StopSending =
        Lead + "(?:(?:para|pare|parem|parar|pararem|parando|deixa|deixe|deixem|deixar) de (?:me )?(?:" + SendVerb + "|" + ReceiveVerb +
        "|" + Annoy + ")(?: me)?(?: " + AnyMessage + ")?(?: (?:pra|para) mim)?" +
        "|(?:para|pare|parem|parar) com (?:" + AnyMessage + "|essa palhacada|essa chatice)" +
        "|(?:ja )?(?:chega|basta)(?: (?:de|com) " + AnyMessage + "| disso| (?:dessa|dessas|desse|desses) " + MessageNoun + ")?" +
        "|(?:pare|parem|parar)" +
        "|(?:para|pare|parem|parar) (?:de receber )?" + StrictMessage +
        "|para (?:agora|ja|imediatamente|logo|urgente|agora mesmo)" +
        "|(?:me )?(?:deixa|deixe|deixem|deixar)(?: me)? em paz|me (?:esquece|esqueca|esquecam|esquecam)" +
        "|stop (?:sending|messaging|texting)(?: me)?(?: (?:messages|this))?|unsubscribe(?: me)?|opt out|remove me(?: from (?:the |your |this )?list)?" +
        ")" + Now + More;

    private const string DoNotSend =
        PlainLead + "(?:(?:nao|nunca mais|nao e pra|nao e para|nao quero que(?: (?:voces|voce))?) (?:me " + SendVerb +
        "(?: mais)?(?: me)?(?: " + AnyMessage + ")?" +
        "|" + SendVerb + "(?: me)?(?: mais)?(?: me)? " + AnyMessage +
        "|" + SendVerb + "(?: me)? mais)" +
        "|nunca mais (?:me )?" + SendVerb + "(?: me)?(?: " + AnyMessage + ")?" +
        "|nunca (?:me )?" + SendVerbSubjunctive + "(?: me)?(?: mais)?(?: " + AnyMessage + ")?" +
        "|nao precisa(?:m)?(?: mais)? (?:me )?" + SendVerb + "(?: me)?(?: mais)? " + StrictMessage +
        "|nao (?:me )?(?:enche|encha|encham)(?: (?:o saco|meu saco|o meu saco|a paciencia|a minha paciencia))?" + ")" +
        "(?: (?:pra|para) (?:mim|esse numero|este numero|meu numero|ca))?(?: mais)?" + More;

    // "não quero mais nada" closes an order and "não quero isso" may be a product: only messages are objects here.
    private const string DoNotWant =
        Filler + "(?:nao (?:quero|desejo|gostaria de|aceito|preciso)(?: mais)? receber(?: mais)?(?: " + AnyMessage + ")?(?: mais)?" +
        "|nao (?:quero|desejo|gostaria de|preciso)(?: mais)? (?:ver )?" + StrictMessage + "(?: mais)?" +
        "|(?:nao )?quero(?: mais)?(?: receber)?(?: mais)? nao)" + More;

    private const string NoInterest =
        Filler + "(?:(?:nao tenho|sem|nao temos|zero|nenhum) (?:mais )?(?:nenhum )?interesse(?: (?:nenhum|mais|nisso|" +
        "em receber(?: " + AnyMessage + ")?|(?:nas|nos|em) (?:" + MessageNoun + "|produtos|servicos|novidades)))?" +
        "|nao (?:me )?interessa(?: mais)?(?: " + AnyMessage + ")?" +
        "|nao (?:estou|to|tou|fiquei|sou) (?:mais )?(?:interessado|interessada))" + More;

    // Stop words that count inside a chain of requests ("Pare! Não quero mais receber"), never alone.
    private static readonly HashSet<string> Bare = new(StringComparer.Ordinal)
    {
        "pare", "parem", "parar", "para", "sair", "sai", "stop", "cancelar", "cancela", "descadastrar", "descadastra",
        "descadastre", "remover", "remove", "chega", "basta",
    };

    /// <summary>In order of precedence: when a chain holds several kinds of request, the first kind found names it.</summary>
    private static readonly (string Rule, Regex Pattern)[] Families =
    [
        (InboundRules.EraseData, EraseRequest()),
        (InboundRules.NoConsent, NoConsentStatement()),
        (InboundRules.Leave, LeaveRequest()),
        (InboundRules.RemoveMe, RemoveMeRequest()),
        (InboundRules.StopSending, StopSendingRequest()),
        (InboundRules.DoNotSend, DoNotSendRequest()),
        (InboundRules.DoNotWant, DoNotWantStatement()),
        (InboundRules.NoInterest, NoInterestStatement()),
    ];

    private const int NoRequest = int.MaxValue;

    /// <summary>The patterns' text, whose words are all the words a request can be made of.</summary>
    internal static readonly string[] PatternTexts = [Erase, NoConsent, Leave, RemoveMe, StopSending, DoNotSend, DoNotWant, NoInterest];

    /// <summary>
    /// Every word any request can hold, read from the patterns themselves. A message with a word outside it ("pedido",
    /// "tênis", "42") cannot be cut into requests, so the patterns are not tried at all: most messages are chatter, and
    /// trying every stretch of a ten-word message against every pattern costs about a hundred microseconds.
    /// </summary>
    internal static readonly FrozenSet<string> Vocabulary = VocabularyOf(PatternTexts).Union(Bare).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The rule of the stop request that <paramref name="words"/> make up, or null when they are none.</summary>
    /// <param name="words">Canonical words, at most <see cref="InboundIntentClassifier.MaxShortMessageWords"/>.</param>
    public static string? Match(IReadOnlyList<string> words)
    {
        if (words.Count == 0)
        {
            return null;
        }

        foreach (var word in words)
        {
            if (!Vocabulary.Contains(word))
            {
                return null;
            }
        }

        return MatchAll(words);
    }

    /// <summary><see cref="Match"/> without the vocabulary shortcut: what it must always agree with.</summary>
    internal static string? MatchAll(IReadOnlyList<string> words)
    {
        if (words.Count == 0)
        {
            return null;
        }

        var whole = FamilyOf(string.Join(' ', words));
        if (whole != NoRequest)
        {
            return Families[whole].Rule;
        }

        // A chain: best[j] is the highest-precedence family (lowest index) over all ways of cutting words[..j] into
        // requests and bare stop words; Families.Length stands for "bare words only", NoRequest for "cannot be cut".
        var best = new int[words.Count + 1];
        Array.Fill(best, NoRequest);
        best[0] = Families.Length;
        for (var i = 0; i < words.Count; i++)
        {
            if (best[i] == NoRequest)
            {
                continue;
            }

            for (var j = i + 1; j <= words.Count; j++)
            {
                var segment = j == i + 1 && Bare.Contains(words[i])
                    ? Families.Length
                    : FamilyOf(string.Join(' ', words.Skip(i).Take(j - i)));
                if (segment != NoRequest)
                {
                    best[j] = Math.Min(best[j], Math.Min(best[i], segment));
                }
            }
        }

        return best[words.Count] < Families.Length ? Families[best[words.Count]].Rule : null;
    }

    /// <summary>
    /// The words a pattern's text can match: its runs of letters, and a run followed by an optional group of letters also
    /// with that group ("precisa(?:m)?" gives "precisa" and "precisam"). The patterns use no other way of gluing letters
    /// into a word (no character classes, no group followed by letters); a test holds them to that.
    /// </summary>
    internal static HashSet<string> VocabularyOf(IEnumerable<string> patterns)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in patterns)
        {
            foreach (Match match in PatternWord().Matches(pattern))
            {
                words.Add(match.Groups["word"].Value);
                if (match.Groups["suffix"].Success)
                {
                    words.Add(match.Groups["word"].Value + match.Groups["suffix"].Value);
                }
            }
        }

        return words;
    }

    private static int FamilyOf(string text)
    {
        for (var i = 0; i < Families.Length; i++)
        {
            if (Families[i].Pattern.IsMatch(text))
            {
                return i;
            }
        }

        return NoRequest;
    }

    [GeneratedRegex(@"(?<word>[a-z]+)(?:\(\?:(?<suffix>[a-z]+)\)\?)?", RegexOptions.CultureInvariant)]
    private static partial Regex PatternWord();

    // Bounded quantifiers only and inputs of a few words: backtracking stays small, so no timeout is needed.
    [GeneratedRegex("^(?:" + Erase + ")$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex EraseRequest();

    [GeneratedRegex("^(?:" + NoConsent + ")$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex NoConsentStatement();

    [GeneratedRegex("^(?:" + Leave + ")$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex LeaveRequest();

    [GeneratedRegex("^(?:" + RemoveMe + ")$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex RemoveMeRequest();

    [GeneratedRegex("^(?:" + StopSending + ")$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex StopSendingRequest();

    [GeneratedRegex("^(?:" + DoNotSend + ")$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex DoNotSendRequest();

    [GeneratedRegex("^(?:" + DoNotWant + ")$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex DoNotWantStatement();

    [GeneratedRegex("^(?:" + NoInterest + ")$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex NoInterestStatement();
}
